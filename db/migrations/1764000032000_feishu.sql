-- Up Migration
-- The 小鹅通 → Feishu Bitable sync's own data (services/feishu-sync). Feishu holds the students and learning records;
-- these tables hold what a run needs to be planned once, resumed without duplicates and rolled back.
CREATE SCHEMA IF NOT EXISTS feishu;

-- The column → field mapping staff saved (real exports name columns differently); one row per organisation for now.
CREATE TABLE feishu.field_mappings (
  name       text PRIMARY KEY DEFAULT 'default',
  mapping    jsonb NOT NULL,
  updated_by bigint,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- An uploaded export, parsed and validated: the good rows are kept (phones included, never answered unmasked).
CREATE TABLE feishu.uploads (
  id          bigserial PRIMARY KEY,
  file_name   text NOT NULL,
  format      text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  encoding    text,
  rows        jsonb NOT NULL,
  row_errors  jsonb NOT NULL,
  total_rows  int NOT NULL,
  created_by  bigint,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A sync run. `plan` is fixed on the first attempt (what to create and change, in order), so a resumed run cuts the
-- same batches and sends the same client_tokens.
CREATE TABLE feishu.runs (
  id             bigserial PRIMARY KEY,
  upload_id      bigint NOT NULL REFERENCES feishu.uploads (id),
  job_id         uuid,
  state          text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'rolled_back')),
  plan           jsonb,
  counters       jsonb NOT NULL DEFAULT '{}',
  error          text,
  calls          int NOT NULL DEFAULT 0,
  created_by     bigint,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  finished_at    timestamptz,
  rolled_back_at timestamptz
);
CREATE INDEX runs_created_idx ON feishu.runs (id DESC);

-- Records a run created in Feishu, per batch: a batch found here is not sent again on resume; rollback deletes them.
CREATE TABLE feishu.created_records (
  run_id     bigint NOT NULL REFERENCES feishu.runs (id),
  table_kind text NOT NULL CHECK (table_kind IN ('students', 'records')),
  batch_no   int NOT NULL,
  row_key    text NOT NULL,
  record_id  text NOT NULL,
  PRIMARY KEY (run_id, table_kind, row_key)
);

-- Cells of existing records a run changed, as they were before it (the first write wins): rollback writes them back.
CREATE TABLE feishu.changed_records (
  run_id     bigint NOT NULL REFERENCES feishu.runs (id),
  table_kind text NOT NULL CHECK (table_kind IN ('students', 'records')),
  record_id  text NOT NULL,
  before     jsonb NOT NULL,
  PRIMARY KEY (run_id, table_kind, record_id)
);

-- Down Migration
DROP SCHEMA feishu CASCADE;
