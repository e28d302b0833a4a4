-- Up Migration
-- The dispatcher's own data (services/dispatcher). PostgreSQL is the record of every message: the API writes the
-- message rows and their outbox rows in one transaction, workers move them through their states, and the send record
-- (status sent + provider message id) is what guards a redelivered message from being sent twice.
CREATE SCHEMA IF NOT EXISTS dispatch;

-- A message's wording for one channel. `variables` is derived from subject and body by the template parser on every
-- write (never typed in), so a send can be checked against it before anything is queued.
CREATE TABLE dispatch.templates (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  channel              text NOT NULL CHECK (channel IN ('sms', 'email', 'wecom_app', 'wecom_robot', 'wechat_oa', 'feishu_bot', 'app_webhook')),
  -- e-mail subject, card title; plain text whatever the channel
  subject              text,
  body                 text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  variables            text[] NOT NULL DEFAULT '{}',
  -- what the page previews with and the demo sends with; keys are a subset of `variables`
  sample_variables     jsonb NOT NULL DEFAULT '{}'::jsonb,
  active               boolean NOT NULL DEFAULT true,
  -- when a send on this template fails permanently it is retried once as this other template (its own channel)
  fallback_template_id bigint REFERENCES dispatch.templates (id) ON DELETE SET NULL,
  -- app_webhook: where to POST, and the NAME of the setting holding the HMAC secret (never the secret itself)
  webhook_url          text,
  webhook_secret_ref   text,
  -- per-provider template code where the provider needs its own (Aliyun TemplateCode, Tencent TemplateId, WeChat OA template_id)
  provider_template    text,
  -- filled by the quiet-hours and digest slices; null = the configured defaults
  quiet_hours          jsonb,
  digest               jsonb,
  created_by           bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  updated_by           bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (fallback_template_id IS DISTINCT FROM id),
  CHECK (channel <> 'app_webhook' OR webhook_url IS NOT NULL),
  CHECK (channel <> 'email' OR subject IS NOT NULL)
);
CREATE UNIQUE INDEX templates_name_key ON dispatch.templates (lower(name));
CREATE INDEX templates_fallback_idx ON dispatch.templates (fallback_template_id) WHERE fallback_template_id IS NOT NULL;

-- One message to one recipient. A batch is the rows sharing batch_id; trace_id is what callers and the page follow.
-- status: pending (held until due_at: send_at or quiet hours) → queued (outbox row written) → processing → sent;
-- retrying (waiting in a back-off queue), deferred (over a limit, due again at due_at), failed (permanent or out of
-- attempts; "retry failed" puts it back to queued), cancelled.
CREATE TABLE dispatch.messages (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  batch_id            uuid NOT NULL,
  trace_id            uuid NOT NULL,
  template_id         bigint NOT NULL REFERENCES dispatch.templates (id),
  -- the channel it goes out on: the template's, or the fallback template's once it fell back
  channel             text NOT NULL,
  recipient           text NOT NULL CHECK (length(recipient) BETWEEN 1 AND 320),
  variables           jsonb NOT NULL DEFAULT '{}'::jsonb,
  priority            smallint NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 10),
  status              text NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('pending', 'queued', 'processing', 'retrying', 'deferred', 'sent', 'failed', 'cancelled')),
  due_at              timestamptz,
  attempts            int NOT NULL DEFAULT 0,
  last_error          text,
  -- error class of the last failure: transient, permanent, rate_limited (from the channel adapter)
  last_error_kind     text,
  -- template + recipient + rendered content; recorded as sent only with a successful send
  dedupe_key          text,
  provider            text,
  provider_message_id text,
  -- the message this one replaces after a permanent failure on the primary channel
  fallback_of         bigint REFERENCES dispatch.messages (id),
  created_by          bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  queued_at           timestamptz,
  sent_at             timestamptz
);
CREATE UNIQUE INDEX messages_trace_key ON dispatch.messages (trace_id);
CREATE INDEX messages_batch_idx ON dispatch.messages (batch_id);
-- the poller's read (SKIP LOCKED over due rows); small because only held rows are in it
CREATE INDEX messages_due_idx ON dispatch.messages (due_at) WHERE status IN ('pending', 'deferred');
CREATE INDEX messages_template_status_idx ON dispatch.messages (template_id, status, created_at);
CREATE INDEX messages_recipient_idx ON dispatch.messages (recipient, created_at);
CREATE INDEX messages_created_idx ON dispatch.messages (created_at);
-- "retry failed" and the periodic retry read only these
CREATE INDEX messages_failed_idx ON dispatch.messages (updated_at) WHERE status = 'failed';
CREATE INDEX messages_dedupe_idx ON dispatch.messages (dedupe_key, sent_at) WHERE status = 'sent' AND dedupe_key IS NOT NULL;

-- What happened to a message and when: queued → processing → sent | failed → callback (delivery receipt), with
-- retry / deferred / held / fallback between. Kept 7 days (configurable), then rolled into daily statistics.
-- Partitioned by time so retention drops a day's partition instead of deleting rows one by one; the default
-- partition holds everything until the retention schedule starts creating daily ones.
CREATE TABLE dispatch.trace_events (
  id         bigint GENERATED ALWAYS AS IDENTITY,
  message_id bigint NOT NULL,
  trace_id   uuid NOT NULL,
  stage      text NOT NULL CHECK (stage IN ('queued', 'processing', 'sent', 'failed', 'callback', 'retry', 'deferred', 'held', 'fallback')),
  at         timestamptz NOT NULL DEFAULT now(),
  -- provider, attempt, error and its class, latency, receipt status
  detail     jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE dispatch.trace_events_default PARTITION OF dispatch.trace_events DEFAULT;
CREATE INDEX trace_events_trace_idx ON dispatch.trace_events (trace_id, at);
CREATE INDEX trace_events_message_idx ON dispatch.trace_events (message_id, at);

-- Stripe-style Idempotency-Key: per caller; the same key with the same request answers the stored response, another
-- request under it is refused (422), one still in flight answers 409. Expired rows are cleaned by a schedule.
CREATE TABLE dispatch.idempotency_keys (
  owner_id        bigint NOT NULL,
  key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_method  text NOT NULL,
  request_path    text NOT NULL,
  -- sha256 of the canonical request body
  request_hash    text NOT NULL,
  state           text NOT NULL DEFAULT 'in_flight' CHECK (state IN ('in_flight', 'done')),
  response_status int,
  response_body   jsonb,
  -- an in-flight claim whose process died is taken over after this
  locked_until    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL DEFAULT now() + interval '24 hours',
  PRIMARY KEY (owner_id, key)
);
CREATE INDEX idempotency_keys_expires_idx ON dispatch.idempotency_keys (expires_at);

-- Hot configuration (limits, worker concurrency, quiet hours, fallback, digest): one row per key, validated by the
-- service before it is written; `version` grows with every change so workers notice without a restart.
CREATE TABLE dispatch.configs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key         text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9_.-]*$'),
  value       jsonb NOT NULL,
  description text,
  version     int NOT NULL DEFAULT 1,
  updated_by  bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP SCHEMA dispatch CASCADE;
