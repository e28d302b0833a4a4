-- Up Migration
CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE auth.users (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL,
  display_name  text,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin', 'staff', 'viewer')),
  is_active     boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz
);
-- usernames are compared case-insensitively so "Admin" and "admin" cannot be two accounts
CREATE UNIQUE INDEX users_username_key ON auth.users (lower(username));

-- who did what, when, from where; also who viewed whose messages (these are minors' families' chats)
CREATE TABLE auth.audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  user_id     bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  username    text,
  service     text NOT NULL,
  action      text NOT NULL,
  target_type text,
  target_id   text,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip          text,
  user_agent  text
);
CREATE INDEX audit_log_at_idx ON auth.audit_log (at DESC);
CREATE INDEX audit_log_target_idx ON auth.audit_log (target_type, target_id, at DESC);
CREATE INDEX audit_log_user_idx ON auth.audit_log (user_id, at DESC);

-- long work (imports, nickname fetches, summaries): one row per job, progress streamed to pages
CREATE TABLE ops.jobs (
  id             uuid PRIMARY KEY,
  type           text NOT NULL,
  status         text NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  params         jsonb NOT NULL DEFAULT '{}'::jsonb,
  progress_done  bigint NOT NULL DEFAULT 0,
  progress_total bigint,
  message        text,
  result         jsonb,
  error          text,
  attempts       int NOT NULL DEFAULT 0,
  created_by     bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  finished_at    timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_type_created_idx ON ops.jobs (type, created_at DESC);

-- transactional outbox: an event is committed with the data it describes and relayed to RabbitMQ afterwards,
-- so a broker outage delays events but never loses them
CREATE TABLE ops.outbox (
  id           uuid PRIMARY KEY,
  exchange     text NOT NULL,
  routing_key  text NOT NULL,
  envelope     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  attempts     int NOT NULL DEFAULT 0,
  last_error   text
);
CREATE INDEX outbox_pending_idx ON ops.outbox (created_at) WHERE published_at IS NULL;

-- Down Migration
DROP SCHEMA ops CASCADE;
DROP SCHEMA auth CASCADE;
