-- Up Migration
-- one row: whether children's national ID numbers from the enrolment CSV are kept at all (off unless an admin says so)
CREATE TABLE crm.roster_settings (
  singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  store_national_id boolean NOT NULL DEFAULT false,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  updated_by        bigint REFERENCES auth.users (id) ON DELETE SET NULL
);
INSERT INTO crm.roster_settings DEFAULT VALUES;

-- every upload: previewed (draft kept server-side so commit needs only the id), then committed or undone
CREATE TABLE crm.roster_imports (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('matrix', 'enrolment')),
  file_name    text NOT NULL,
  file_size    int NOT NULL,
  file_sha256  text NOT NULL,
  encoding     text NOT NULL,
  status       text NOT NULL DEFAULT 'previewed' CHECK (status IN ('previewed', 'committed', 'undone', 'discarded')),
  draft        jsonb NOT NULL,
  report       jsonb,
  created_by   bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  committed_by bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  committed_at timestamptz,
  undone_by    bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  undone_at    timestamptz
);
CREATE INDEX roster_imports_created_idx ON crm.roster_imports (created_at DESC);
CREATE INDEX roster_imports_sha_idx ON crm.roster_imports (file_sha256) WHERE status = 'committed';

-- what a commit did, row by row: before-images of updated rows and after-images of every touched row, so undo restores
-- exactly and refuses when a later import or edit has changed the same rows since
CREATE TABLE crm.roster_import_changes (
  id         bigserial PRIMARY KEY,
  import_id  bigint NOT NULL REFERENCES crm.roster_imports (id) ON DELETE CASCADE,
  table_name text NOT NULL CHECK (table_name IN ('staff', 'classes', 'students', 'enrolments', 'student_contacts')),
  op         text NOT NULL CHECK (op IN ('insert', 'update')),
  row_key    jsonb NOT NULL,
  before     jsonb,
  after      jsonb NOT NULL
);
CREATE INDEX roster_import_changes_import_idx ON crm.roster_import_changes (import_id);

-- the enrolment importer and the editor look pupils up by name within a class and staff by name
CREATE INDEX staff_name_idx ON crm.staff (name);
CREATE INDEX classes_name_idx ON crm.classes (name);

-- Down Migration
DROP INDEX crm.classes_name_idx;
DROP INDEX crm.staff_name_idx;
DROP TABLE crm.roster_import_changes;
DROP TABLE crm.roster_imports;
DROP TABLE crm.roster_settings;
