-- Up Migration
-- The alert list sorts by severity first. As a stored column the rank can lead an index that holds everything the
-- list filters, counts and orders by, so the open list and its per-kind counts are read from the index alone
-- (an expression index cannot serve an index-only scan) and the first page stops after its rows.
ALTER TABLE dashboard.alerts
  ADD COLUMN severity_rank smallint NOT NULL
  GENERATED ALWAYS AS (CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END) STORED;
CREATE INDEX alerts_unresolved_list_idx ON dashboard.alerts (severity_rank, last_contact_at ASC NULLS FIRST, raised_at DESC, id DESC)
  INCLUDE (kind, acked_at, snoozed_until, class_id) WHERE resolved_at IS NULL;
DROP INDEX dashboard.alerts_open_idx;

-- Since evaluation leaves unchanged alerts alone, the column says when the evidence last changed.
ALTER TABLE dashboard.alerts RENAME COLUMN evaluated_at TO evidence_changed_at;

-- Down Migration
ALTER TABLE dashboard.alerts RENAME COLUMN evidence_changed_at TO evaluated_at;
CREATE INDEX alerts_open_idx ON dashboard.alerts (kind, raised_at DESC) WHERE resolved_at IS NULL;
DROP INDEX dashboard.alerts_unresolved_list_idx;
ALTER TABLE dashboard.alerts DROP COLUMN severity_rank;
