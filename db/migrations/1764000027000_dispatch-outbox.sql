-- Up Migration
-- The dispatcher's outbox (services/dispatcher): the send API writes a message's row and its outbox row in one
-- transaction, and the relay publishes outbox rows with confirms, deleting them in the transaction it published them
-- in. A relay that dies between the confirm and the commit publishes the row again; the worker's claim on the message
-- row is what keeps that from sending twice. Separate from ops.outbox (the suite's events): a 10,000-recipient batch
-- must not queue behind, or in front of, every other service's events, and urgent tiers are published first.
CREATE TABLE dispatch.outbox (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id  bigint NOT NULL,
  trace_id    uuid NOT NULL,
  -- topology.ts: <channel>.t<tier>
  routing_key text NOT NULL,
  tier        smallint NOT NULL CHECK (tier BETWEEN 0 AND 3),
  attempt     int NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- the relay's read: urgent tiers first, then in order of writing
CREATE INDEX outbox_tier_idx ON dispatch.outbox (tier DESC, id);

-- What the monitor's trend and the daily report read once a day's traces are past retention: one row per Beijing day,
-- channel and template, written by the daily roll-up (idempotent: a day rolled up again replaces its rows).
CREATE TABLE dispatch.daily_stats (
  day            date NOT NULL,
  channel        text NOT NULL,
  template_id    bigint NOT NULL,
  sent           int NOT NULL DEFAULT 0,
  failed         int NOT NULL DEFAULT 0,
  retried        int NOT NULL DEFAULT 0,
  deferred       int NOT NULL DEFAULT 0,
  fell_back      int NOT NULL DEFAULT 0,
  -- queued → sent, milliseconds
  latency_p50_ms int,
  latency_p95_ms int,
  latency_p99_ms int,
  rolled_up_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, channel, template_id)
);

-- Down Migration
DROP TABLE dispatch.daily_stats;
DROP TABLE dispatch.outbox;
