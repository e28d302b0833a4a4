-- Up Migration
-- The WeCom external-contact sync's own data (services/contacts-sync). WeCom is the source of truth; these tables
-- are its last known state plus what the sync needs to resume and to tell "gone" from "not looked at yet".
--
-- Passes: every sync pass (full or incremental) takes a number from contacts.pass_seq; a pass killed midway is
-- resumed under the same number. Rows carry the pass that first saw them and the pass that last CHANGED them: an
-- unchanged row is not rewritten (so a pass over an unchanged corp writes 0 rows). What a pass did not see is found
-- per staff batch, by comparing WeCom's answer with the rows of those members, and parked in lost_candidates until
-- the pass completes; only a complete pass marks anything lost (services/contacts-sync/README.md).
CREATE SCHEMA IF NOT EXISTS contacts;
CREATE SEQUENCE contacts.pass_seq;

-- Members of the corp (user/list_id + user/get).
CREATE TABLE contacts.staff (
  userid          text PRIMARY KEY,
  name            text NOT NULL DEFAULT '',
  department_ids  int[] NOT NULL DEFAULT '{}',
  -- WeCom's status: 1 active, 2 disabled, 4 not activated, 5 left; null until user/get answered
  wecom_status    smallint,
  -- a complete pass no longer listed the member (left, or outside the app's visibility)
  gone_at         timestamptz,
  content_hash    text NOT NULL,
  first_seen_pass bigint NOT NULL,
  changed_pass    bigint NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Customers (客户). `contact_kind` full: someone in the corp follows them (a friend); half: known only as a member of
-- a customer group. Phones are not kept here: see follow_relations.remark_mobiles_masked.
CREATE TABLE contacts.external_contacts (
  external_userid text PRIMARY KEY,
  name            text NOT NULL DEFAULT '',
  avatar          text,
  -- 1 WeChat user (wm…), 2 WeCom user of another corp (wo…)
  type            smallint,
  gender          smallint,
  corp_name       text,
  unionid         text,
  status          text NOT NULL DEFAULT 'normal' CHECK (status IN ('normal', 'deleted', 'blocked')),
  contact_kind    text NOT NULL DEFAULT 'full' CHECK (contact_kind IN ('full', 'half')),
  deleted_at      timestamptz,
  content_hash    text NOT NULL,
  first_seen_pass bigint NOT NULL,
  changed_pass    bigint NOT NULL,
  first_seen_at   timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX external_contacts_name_idx ON contacts.external_contacts (name text_pattern_ops);

-- One member following one customer (follow_info of batch/get_by_user). Never deleted: a relation gone from WeCom
-- becomes lost (a complete pass did not see it) or deleted_by_* (the callbacks say who deleted whom).
CREATE TABLE contacts.follow_relations (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  external_userid  text NOT NULL REFERENCES contacts.external_contacts (external_userid),
  userid           text NOT NULL,
  remark           text NOT NULL DEFAULT '',
  description      text NOT NULL DEFAULT '',
  remark_corp_name text NOT NULL DEFAULT '',
  -- personal data: kept masked only (138****5678), never the number; WeCom keeps the number for whoever needs to call
  remark_mobiles_masked text[] NOT NULL DEFAULT '{}',
  tag_ids          text[] NOT NULL DEFAULT '{}',
  add_way          int,
  createtime       timestamptz,
  state            text NOT NULL DEFAULT '',
  oper_userid      text NOT NULL DEFAULT '',
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'lost', 'deleted_by_customer', 'deleted_by_staff')),
  lost_at          timestamptz,
  content_hash     text NOT NULL,
  first_seen_pass  bigint NOT NULL,
  changed_pass     bigint NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (external_userid, userid)
);
CREATE INDEX follow_relations_userid_idx ON contacts.follow_relations (userid, status);
CREATE INDEX follow_relations_tags_idx ON contacts.follow_relations USING gin (tag_ids);

-- Customer groups (groupchat/list + groupchat/get); members replaced as a whole when the group's hash changes.
CREATE TABLE contacts.customer_groups (
  chat_id         text PRIMARY KEY,
  name            text NOT NULL DEFAULT '',
  owner           text NOT NULL DEFAULT '',
  create_time     timestamptz,
  notice          text NOT NULL DEFAULT '',
  -- groupchat/list status: 0 normal, 1 owner left, 2 inheritance in progress, 3 inherited
  wecom_status    smallint NOT NULL DEFAULT 0,
  -- lost: a complete pass no longer listed it (dismissed, or out of scope)
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'lost')),
  lost_at         timestamptz,
  member_count    int NOT NULL DEFAULT 0,
  member_version  text,
  content_hash    text NOT NULL,
  first_seen_pass bigint NOT NULL,
  changed_pass    bigint NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contacts.group_members (
  chat_id         text NOT NULL REFERENCES contacts.customer_groups (chat_id),
  member_id       text NOT NULL,
  -- 1 member of the corp, 2 external contact
  type            smallint NOT NULL,
  join_time       timestamptz,
  join_scene      smallint,
  invitor         text,
  group_nickname  text NOT NULL DEFAULT '',
  name            text NOT NULL DEFAULT '',
  PRIMARY KEY (chat_id, member_id)
);
CREATE INDEX group_members_member_idx ON contacts.group_members (member_id);

-- One sync run. A pass killed midway leaves its run failed with a checkpoint; the next run of the same mode takes
-- the same pass number and starts after the last staff batch the checkpoint names.
CREATE TABLE contacts.sync_runs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id       uuid,
  mode         text NOT NULL CHECK (mode IN ('full', 'incremental')),
  pass         bigint NOT NULL,
  state        text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'abandoned')),
  -- {stage, members: [...], batchesDone} — members are the pass's own list, so batch boundaries never move on resume
  checkpoint   jsonb,
  counters     jsonb NOT NULL DEFAULT '{}'::jsonb,
  error        text,
  resumed_from bigint REFERENCES contacts.sync_runs (id),
  -- the pass completed: it may mark lost, and nothing resumes it any more
  pass_complete boolean NOT NULL DEFAULT false,
  created_by   bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  heartbeat_at timestamptz,
  finished_at  timestamptz
);
-- one run at a time, whoever starts it (API, CLI, schedule): the second insert fails and is answered 409
CREATE UNIQUE INDEX sync_runs_one_active_idx ON contacts.sync_runs ((true)) WHERE state IN ('queued', 'running');
CREATE INDEX sync_runs_created_idx ON contacts.sync_runs (created_at DESC);

-- What a pass did not see, held until the pass completes (then marked lost) or is abandoned (then dropped).
CREATE TABLE contacts.lost_candidates (
  pass      bigint NOT NULL,
  kind      text NOT NULL CHECK (kind IN ('relation', 'group', 'staff')),
  key       text NOT NULL,
  PRIMARY KEY (pass, kind, key)
);

-- What each run changed, for the page and the incremental pass's report.
CREATE TABLE contacts.changes (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id     bigint NOT NULL REFERENCES contacts.sync_runs (id),
  entity     text NOT NULL CHECK (entity IN ('staff', 'contact', 'relation', 'group')),
  entity_key text NOT NULL,
  change     text NOT NULL CHECK (change IN ('added', 'updated', 'lost', 'restored')),
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX changes_run_idx ON contacts.changes (run_id, entity);

-- Churn alerts raised once per lost relation episode. Ids start high: the dispatcher keys its deliveries by
-- (alert_id, rule_id) and the dashboard's alert ids count up from 1, so the two sources must not share numbers.
CREATE TABLE contacts.churn_alerts (
  id          bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000000000) PRIMARY KEY,
  relation_id bigint NOT NULL REFERENCES contacts.follow_relations (id),
  lost_at     timestamptz NOT NULL,
  raised_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (relation_id, lost_at)
);

-- WeCom callbacks (next step): stored before they are answered, deduplicated on the decrypted body (FromUserName is
-- always "sys" for contact events, so sender + time is no key; spec/peer-lessons.md).
CREATE TABLE contacts.callback_inbox (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  body_sha256  text NOT NULL UNIQUE,
  received_at  timestamptz NOT NULL DEFAULT now(),
  event_type   text NOT NULL,
  raw_plaintext text NOT NULL,
  applied_at   timestamptz,
  error        text
);
CREATE INDEX callback_inbox_unapplied_idx ON contacts.callback_inbox (received_at) WHERE applied_at IS NULL;

-- One row per Beijing day, for the health score: what the runs of that day did and what the corp looked like after.
CREATE TABLE contacts.daily_metrics (
  day               date PRIMARY KEY,
  runs              int NOT NULL DEFAULT 0,
  failed_runs       int NOT NULL DEFAULT 0,
  rows_written      int NOT NULL DEFAULT 0,
  relations_added   int NOT NULL DEFAULT 0,
  relations_lost    int NOT NULL DEFAULT 0,
  wecom_calls       int NOT NULL DEFAULT 0,
  customers_total   int NOT NULL DEFAULT 0,
  relations_active  int NOT NULL DEFAULT 0,
  last_success_at   timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE contacts.daily_metrics;
DROP TABLE contacts.callback_inbox;
DROP TABLE contacts.churn_alerts;
DROP TABLE contacts.changes;
DROP TABLE contacts.lost_candidates;
DROP TABLE contacts.sync_runs;
DROP TABLE contacts.group_members;
DROP TABLE contacts.customer_groups;
DROP TABLE contacts.follow_relations;
DROP TABLE contacts.external_contacts;
DROP TABLE contacts.staff;
DROP SEQUENCE contacts.pass_seq;
DROP SCHEMA contacts;
