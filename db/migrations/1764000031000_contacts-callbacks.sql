-- Up Migration
-- WeCom callbacks applied after they are answered (services/contacts-sync/README.md "Callbacks"): the inbox row is the
-- work item. A poller claims due rows with FOR UPDATE SKIP LOCKED, applies one in a transaction with its writes and
-- events, and on failure pushes next_attempt_at back (attempts, error visible to the monitor).

ALTER TABLE contacts.callback_inbox
  ADD COLUMN change_type     text NOT NULL DEFAULT '',
  -- applied: the event changed what it names; not_applied: stored and answered, nothing to do (unknown event type)
  ADD COLUMN outcome         text CHECK (outcome IN ('applied', 'not_applied')),
  ADD COLUMN attempts        int NOT NULL DEFAULT 0,
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX callback_inbox_due_idx ON contacts.callback_inbox (next_attempt_at, id) WHERE applied_at IS NULL;

-- The callbacks' share of the day's health figures (Beijing day, as the runs').
ALTER TABLE contacts.daily_metrics
  ADD COLUMN callbacks_received  int NOT NULL DEFAULT 0,
  ADD COLUMN callbacks_refused   int NOT NULL DEFAULT 0,
  ADD COLUMN callbacks_duplicate int NOT NULL DEFAULT 0,
  ADD COLUMN callbacks_applied   int NOT NULL DEFAULT 0,
  ADD COLUMN callback_errors     int NOT NULL DEFAULT 0,
  -- seconds from receipt to apply, summed (average = / callbacks_applied) and the worst of the day
  ADD COLUMN apply_delay_seconds_sum numeric NOT NULL DEFAULT 0,
  ADD COLUMN apply_delay_seconds_max numeric NOT NULL DEFAULT 0;

-- The corp's customer tag library (get_corp_tag_list), refreshed whole on every change_external_tag event.
CREATE TABLE contacts.corp_tags (
  tag_id       text PRIMARY KEY,
  name         text NOT NULL,
  group_id     text NOT NULL,
  group_name   text NOT NULL,
  tag_order    bigint NOT NULL DEFAULT 0,
  group_order  bigint NOT NULL DEFAULT 0,
  refreshed_at timestamptz NOT NULL DEFAULT now()
);

-- Health alerts raised once each (alert.raised), numbered after the churn alerts' range start so ids never meet.
CREATE TABLE contacts.health_alerts (
  id        bigint GENERATED ALWAYS AS IDENTITY (START WITH 1500000000) PRIMARY KEY,
  day       date NOT NULL,
  kind      text NOT NULL CHECK (kind IN ('score', 'errors', 'delay')),
  severity  text NOT NULL CHECK (severity IN ('warning', 'critical')),
  title     text NOT NULL,
  raised_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (day, kind)
);

-- Down Migration
DROP TABLE contacts.health_alerts;
DROP TABLE contacts.corp_tags;
ALTER TABLE contacts.daily_metrics DROP COLUMN callbacks_received, DROP COLUMN callbacks_refused, DROP COLUMN callbacks_duplicate,
  DROP COLUMN callbacks_applied, DROP COLUMN callback_errors, DROP COLUMN apply_delay_seconds_sum, DROP COLUMN apply_delay_seconds_max;
DROP INDEX contacts.callback_inbox_due_idx;
ALTER TABLE contacts.callback_inbox DROP COLUMN change_type, DROP COLUMN outcome, DROP COLUMN attempts, DROP COLUMN next_attempt_at;
