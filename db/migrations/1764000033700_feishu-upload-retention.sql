-- Up Migration
-- Uploads hold every row of an export, parents' phones included, so they are deleted after
-- FEISHU_SYNC_UPLOAD_RETENTION_DAYS (services/feishu-sync, domain/upload-retention.ts). A run outlives its upload:
-- it keeps the file's name and row count for the history, and its upload_id goes NULL when the upload is deleted.
-- What rollback needs (created_records, changed_records) never referred to the upload and stays.
ALTER TABLE feishu.runs ADD COLUMN file_name text, ADD COLUMN total_rows int;
UPDATE feishu.runs r SET file_name = u.file_name, total_rows = u.total_rows FROM feishu.uploads u WHERE u.id = r.upload_id;
ALTER TABLE feishu.runs ALTER COLUMN upload_id DROP NOT NULL;
ALTER TABLE feishu.runs DROP CONSTRAINT runs_upload_id_fkey;
ALTER TABLE feishu.runs ADD CONSTRAINT runs_upload_id_fkey FOREIGN KEY (upload_id) REFERENCES feishu.uploads (id) ON DELETE SET NULL;
CREATE INDEX runs_upload_idx ON feishu.runs (upload_id);
CREATE INDEX uploads_created_idx ON feishu.uploads (created_at);

-- Down Migration
-- upload_id stays nullable: runs whose upload retention deleted cannot get it back.
DROP INDEX feishu.uploads_created_idx;
DROP INDEX feishu.runs_upload_idx;
ALTER TABLE feishu.runs DROP CONSTRAINT runs_upload_id_fkey;
ALTER TABLE feishu.runs ADD CONSTRAINT runs_upload_id_fkey FOREIGN KEY (upload_id) REFERENCES feishu.uploads (id);
ALTER TABLE feishu.runs DROP COLUMN file_name, DROP COLUMN total_rows;
