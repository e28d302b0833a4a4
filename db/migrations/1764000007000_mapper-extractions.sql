-- Up Migration
-- Every extraction, after an import run or on demand over the whole archive: the page shows when ids were last
-- extracted and what it found, whichever way it ran.
CREATE TABLE crm.extractions (
  id            bigserial PRIMARY KEY,
  run_id        bigint,
  whole_archive boolean NOT NULL,
  seen_ids      int NOT NULL,
  new_ids       int NOT NULL,
  activity_rows int NOT NULL,
  duration_ms   int NOT NULL,
  extracted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX extractions_at_idx ON crm.extractions (extracted_at DESC);
INSERT INTO crm.extractions (run_id, whole_archive, seen_ids, new_ids, activity_rows, duration_ms, extracted_at)
SELECT run_id, false, 0, new_ids, 0, 0, extracted_at FROM crm.extracted_runs;

-- Down Migration
DROP TABLE crm.extractions;
