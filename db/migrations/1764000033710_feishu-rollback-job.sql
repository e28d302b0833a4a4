-- Up Migration
-- Rollback runs as a `feishu.rollback` job (services/feishu-sync): the run names its latest rollback job, so the page
-- can follow its progress and a second rollback is refused while one is queued or running.
ALTER TABLE feishu.runs ADD COLUMN rollback_job_id uuid;

-- Down Migration
ALTER TABLE feishu.runs DROP COLUMN rollback_job_id;
