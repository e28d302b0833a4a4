-- Up Migration
CREATE SCHEMA IF NOT EXISTS chat;

-- One row per archive run (CLI, upload page or queue job): the counts an operator needs to trust the load.
CREATE TABLE chat.import_runs (
  id                 bigserial PRIMARY KEY,
  source             text NOT NULL,
  origin             text NOT NULL CHECK (origin IN ('cli', 'upload', 'queue', 'bench', 'demo')),
  conflict_mode      text NOT NULL CHECK (conflict_mode IN ('skip', 'update')),
  status             text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  -- a run whose process died stops beating; the next import marks it interrupted
  heartbeat_at       timestamptz NOT NULL DEFAULT now(),
  job_id             uuid REFERENCES ops.jobs (id) ON DELETE SET NULL,
  bytes_total        bigint,
  lines              bigint NOT NULL DEFAULT 0,
  inserted           bigint NOT NULL DEFAULT 0,
  updated            bigint NOT NULL DEFAULT 0,
  unchanged          bigint NOT NULL DEFAULT 0,
  quarantined        bigint NOT NULL DEFAULT 0,
  duplicates_in_file bigint NOT NULL DEFAULT 0,
  min_msgtime        timestamptz,
  max_msgtime        timestamptz,
  error              text,
  started_by         bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  started_at         timestamptz NOT NULL DEFAULT now(),
  finished_at        timestamptz,
  duration_ms        bigint
);
CREATE INDEX import_runs_started_idx ON chat.import_runs (started_at DESC);

-- The one canonical chat table every service reads. 1:1 chats have room_id NULL (never '').
CREATE TABLE chat.messages (
  msgid         text PRIMARY KEY,
  seq           bigint,
  action        text NOT NULL,
  msgtype       text NOT NULL,
  msgtime       timestamptz NOT NULL,
  from_id       text,
  room_id       text,
  to_ids        text[] NOT NULL DEFAULT '{}',
  payload       jsonb,
  raw           jsonb NOT NULL,
  recalled_by   text,
  import_run_id bigint,
  ingested_at   timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT messages_room_id_not_empty CHECK (room_id <> '')
);
-- How the other services read (measured in the ETL bench notes): a group's history, a person's sent
-- messages, messages a person received (1:1 and silent group members), the global timeline.
CREATE INDEX messages_room_time_idx ON chat.messages (room_id, msgtime DESC) WHERE room_id IS NOT NULL;
CREATE INDEX messages_from_time_idx ON chat.messages (from_id, msgtime DESC);
CREATE INDEX messages_to_ids_idx ON chat.messages USING gin (to_ids);
CREATE INDEX messages_time_idx ON chat.messages (msgtime DESC);
-- the archive's own cursor: high-water mark and gap detection
CREATE INDEX messages_seq_idx ON chat.messages (seq) WHERE seq IS NOT NULL;

-- A revoke that arrived before the message it recalls waits here until that message is loaded.
CREATE TABLE chat.pending_recalls (
  target_msgid text PRIMARY KEY,
  revoke_msgid text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Lines that could not be loaded, with enough to find and fix them; good lines of the same file still load.
CREATE TABLE chat.quarantine (
  id         bigserial PRIMARY KEY,
  run_id     bigint NOT NULL REFERENCES chat.import_runs (id) ON DELETE CASCADE,
  source     text NOT NULL,
  line_no    bigint NOT NULL,
  -- the line's seq when it could be read: a quarantined line is not a hole in the export
  seq        bigint,
  reason     text NOT NULL,
  raw_text   text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarantine_run_idx ON chat.quarantine (run_id, line_no);
CREATE INDEX quarantine_seq_idx ON chat.quarantine (seq) WHERE seq IS NOT NULL;

-- Down Migration
DROP SCHEMA chat CASCADE;
