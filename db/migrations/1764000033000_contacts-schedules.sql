-- Up Migration
-- The three periodic jobs as settings edited on the page (one row each once someone saved; the service's
-- CONTACTS_SYNC_*_CRON settings are the values in force until then). The runner of every instance polls these rows
-- and re-arms its schedules; kit's ops.schedules claim still lets one instance run each tick.
CREATE TABLE contacts.schedule_settings (
  name        text PRIMARY KEY CHECK (name IN ('incremental', 'full', 'cleanup')),
  enabled     boolean NOT NULL,
  minute      smallint NOT NULL CHECK (minute BETWEEN 0 AND 59),
  hour        smallint CHECK (hour BETWEEN 0 AND 23),
  weekday     smallint CHECK (weekday BETWEEN 0 AND 6),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text
);

-- Down Migration
DROP TABLE contacts.schedule_settings;
