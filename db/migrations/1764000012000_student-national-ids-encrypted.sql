-- Up Migration
-- Children's national ID numbers (身份证号) leave crm.students for a table of their own and are kept there only
-- encrypted (AES-256-GCM, key from the roster service's ROSTER_ID_NUMBER_KEY; services/roster/README.md). Apart from
-- the student row they are never in the row images the audit log and the undo log keep of students.
CREATE TABLE crm.student_national_ids (
  student_id  int PRIMARY KEY REFERENCES crm.students (id) ON DELETE CASCADE,
  -- which key sealed the value, so the key can rotate (old values stay readable while the old key is known)
  key_id      text NOT NULL,
  -- base64 of nonce (12 bytes) || ciphertext || GCM tag (16 bytes)
  ciphertext  text NOT NULL,
  -- HMAC-SHA-256 under a key derived from the same secret: an import compares numbers without opening them
  lookup_hash text NOT NULL,
  -- what staff see without asking for the whole number (110*************11)
  masked      text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Plaintext kept by earlier versions while storing was on. SQL cannot encrypt with a key it does not have: the roster
-- service encrypts these rows at start-up and deletes them (and refuses to start without a key while storing is on);
-- turning storing off deletes them too. When storing is off they are not kept at all.
CREATE TABLE crm.student_national_ids_legacy (
  student_id  int PRIMARY KEY REFERENCES crm.students (id) ON DELETE CASCADE,
  national_id text NOT NULL
);
INSERT INTO crm.student_national_ids_legacy (student_id, national_id)
  SELECT id, national_id FROM crm.students
  WHERE national_id IS NOT NULL AND btrim(national_id) <> '' AND (SELECT store_national_id FROM crm.roster_settings) IS TRUE;

-- Undo compares md5(row::text) with the hash logged at commit, and dropping a column changes the text of every
-- student row: remember which logged student rows are still as their import wrote them, to re-hash them afterwards.
CREATE TEMP TABLE roster_unchanged_student_logs ON COMMIT DROP AS
  SELECT c.id AS change_id, k.ord
  FROM crm.roster_import_changes c
  CROSS JOIN LATERAL jsonb_array_elements_text(
    CASE jsonb_typeof(c.row_key->'id') WHEN 'array' THEN c.row_key->'id' ELSE jsonb_build_array(c.row_key->'id') END
  ) WITH ORDINALITY AS k (id, ord)
  JOIN crm.students s ON s.id = k.id::int
  WHERE c.table_name = 'students' AND c.after ? 'h'
    AND md5(s::text) = CASE jsonb_typeof(c.after->'h') WHEN 'array' THEN c.after->'h'->>(k.ord::int - 1) ELSE c.after->>'h' END;

-- cleared before the drop so the rows are rewritten without the numbers (DROP COLUMN alone leaves them in the rows)
UPDATE crm.students SET national_id = NULL WHERE national_id IS NOT NULL;
ALTER TABLE crm.students DROP COLUMN national_id;

UPDATE crm.roster_import_changes c SET after = jsonb_build_object('h', CASE jsonb_typeof(c.after->'h')
    WHEN 'array' THEN (
      SELECT jsonb_agg(CASE WHEN m.change_id IS NULL THEN h.value ELSE to_jsonb(md5(s::text)) END ORDER BY h.ord)
      FROM jsonb_array_elements(c.after->'h') WITH ORDINALITY AS h (value, ord)
      LEFT JOIN roster_unchanged_student_logs m ON m.change_id = c.id AND m.ord = h.ord
      LEFT JOIN crm.students s ON s.id = (c.row_key->'id'->>(h.ord::int - 1))::int)
    ELSE (SELECT to_jsonb(md5(s::text)) FROM crm.students s WHERE s.id = (c.row_key->>'id')::int) END)
WHERE c.id IN (SELECT change_id FROM roster_unchanged_student_logs);

-- the copies: before/after images in the undo log (objects, or arrays of them), the audit log's row images of
-- student edits and merges, and previews nobody committed yet
CREATE FUNCTION pg_temp.without_national_id(image jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE jsonb_typeof(image)
    WHEN 'object' THEN image - 'national_id'
    WHEN 'array' THEN (SELECT COALESCE(jsonb_agg(CASE WHEN jsonb_typeof(e) = 'object' THEN e - 'national_id' ELSE e END ORDER BY ord), '[]'::jsonb)
                       FROM jsonb_array_elements(image) WITH ORDINALITY AS x (e, ord))
    ELSE image END
$$;
UPDATE crm.roster_import_changes SET before = pg_temp.without_national_id(before), after = pg_temp.without_national_id(after)
WHERE table_name = 'students' AND (before::text LIKE '%national_id%' OR after::text LIKE '%national_id%');

UPDATE auth.audit_log SET details = details #- '{before,national_id}' #- '{after,national_id}' #- '{merged,national_id}'
WHERE service = 'roster' AND details::text LIKE '%national_id%';

UPDATE crm.roster_imports i SET draft = jsonb_set(i.draft, '{students}', (
    SELECT jsonb_agg(s || '{"nationalId": null}'::jsonb ORDER BY ord) FROM jsonb_array_elements(i.draft->'students') WITH ORDINALITY AS x (s, ord)))
WHERE i.status = 'previewed' AND jsonb_typeof(i.draft->'students') = 'array'
  AND EXISTS (SELECT 1 FROM jsonb_array_elements(i.draft->'students') s WHERE s->>'nationalId' IS NOT NULL);

-- an import logs which ID numbers it wrote (keys and hashes of the encrypted rows, never a value) so undo can remove them
ALTER TABLE crm.roster_import_changes DROP CONSTRAINT roster_import_changes_table_name_check;
ALTER TABLE crm.roster_import_changes ADD CONSTRAINT roster_import_changes_table_name_check
  CHECK (table_name IN ('staff', 'classes', 'students', 'enrolments', 'student_contacts', 'student_national_ids'));

-- Down Migration
-- the encrypted numbers cannot be opened in SQL: going down loses them (the roster keeps none until re-imported)
DELETE FROM crm.roster_import_changes WHERE table_name = 'student_national_ids';
ALTER TABLE crm.roster_import_changes DROP CONSTRAINT roster_import_changes_table_name_check;
ALTER TABLE crm.roster_import_changes ADD CONSTRAINT roster_import_changes_table_name_check
  CHECK (table_name IN ('staff', 'classes', 'students', 'enrolments', 'student_contacts'));
ALTER TABLE crm.students ADD COLUMN national_id text;
UPDATE crm.students s SET national_id = l.national_id FROM crm.student_national_ids_legacy l WHERE l.student_id = s.id;
DROP TABLE crm.student_national_ids_legacy;
DROP TABLE crm.student_national_ids;
