-- Up Migration
-- One row per named schedule (kit's startSchedule): every instance of a service runs the same schedules, and this
-- row decides which one runs a tick. `slot` is the tick last claimed, so a tick runs once however many instances
-- fire for it; `lease_until` keeps a second runner out while one is running (renewed while it works); `fence`
-- grows by one per claim, so a runner whose lease ran out and was overtaken can tell, and its writes are refused.
CREATE TABLE ops.schedules (
  name             text PRIMARY KEY,
  fence            bigint NOT NULL,
  slot             timestamptz NOT NULL,
  owner            text NOT NULL,
  lease_until      timestamptz,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  duration_ms      bigint,
  failures         bigint NOT NULL DEFAULT 0,
  last_error       text
);

-- Down Migration
DROP TABLE ops.schedules;
