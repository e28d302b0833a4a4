-- Up Migration
-- What the dispatcher's monitor reads beside the existing indexes (measured with EXPLAIN ANALYZE at 1,000,000 messages,
-- 1 % failed; services/dispatcher/README.md has the figures). Message search by recipient, batch, template, time, and
-- template + status already use their indexes; a status alone did not: the newest-first scan walked created_at
-- filtering on status, ~5,000 rows read per page of 50 failures (26 ms) and the whole table for a status no row has.
CREATE INDEX messages_status_created_idx ON dispatch.messages (status, created_at);

-- The realtime rates (sends and failures of the last minute and five minutes) and the live day's retry count read
-- trace events by stage and time; without this every poll scanned the whole default partition.
CREATE INDEX trace_events_stage_at_idx ON dispatch.trace_events (stage, at);

-- Down Migration
DROP INDEX dispatch.trace_events_stage_at_idx;
DROP INDEX dispatch.messages_status_created_idx;
