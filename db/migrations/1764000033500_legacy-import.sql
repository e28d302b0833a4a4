-- Up Migration
-- An import of an original DoitCRM database is a run in the ETL's history like any archive file, with its whole
-- report (every table group's counts, and each row it could not import with the reason) kept for download.
ALTER TABLE chat.import_runs DROP CONSTRAINT import_runs_origin_check;
ALTER TABLE chat.import_runs ADD CONSTRAINT import_runs_origin_check CHECK (origin IN ('cli', 'upload', 'queue', 'bench', 'demo', 'legacy'));
ALTER TABLE chat.import_runs ADD COLUMN report jsonb;

-- What each row of an original database became here. The original's students have no natural key: without this a
-- rerun could only guess by name, and a row deleted or renamed here since would come back. source names the original
-- database (host, port, name), entity its table, legacy_key the row's id there (for a parent link: the parent's WeCom id
-- and the student's key, local_id the student here).
CREATE TABLE chat.legacy_links (
  source      text NOT NULL,
  entity      text NOT NULL CHECK (entity IN ('student', 'class', 'guardianship')),
  legacy_key  text NOT NULL,
  local_id    bigint NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, entity, legacy_key)
);

-- The original's per-parent AI analyses (parent_communication_analysis): kept as history beside the person, read-only,
-- never mixed with this suite's own summaries.
CREATE TABLE insight.imported_analyses (
  id            bigserial PRIMARY KEY,
  original_id   text NOT NULL,
  analysis_date timestamptz,
  message_count int,
  summary       text,
  details       jsonb NOT NULL,
  source        text NOT NULL,
  legacy_id     bigint NOT NULL,
  imported_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, legacy_id)
);
CREATE INDEX imported_analyses_person_idx ON insight.imported_analyses (original_id, analysis_date DESC);

-- Down Migration
DROP TABLE insight.imported_analyses;
DROP TABLE chat.legacy_links;
ALTER TABLE chat.import_runs DROP COLUMN report;
DELETE FROM chat.import_runs WHERE origin = 'legacy';
ALTER TABLE chat.import_runs DROP CONSTRAINT import_runs_origin_check;
ALTER TABLE chat.import_runs ADD CONSTRAINT import_runs_origin_check CHECK (origin IN ('cli', 'upload', 'queue', 'bench', 'demo'));
