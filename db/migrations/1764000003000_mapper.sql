-- Up Migration
-- an import run's rows without scanning the archive: the mapper extracts ids per run
CREATE INDEX messages_import_run_idx ON chat.messages (import_run_id);

-- Where and when every id appears, per Beijing day and chat (room_id NULL for 1:1). The mapper filters its lists
-- by date window and group from here, never from chat.messages. Rebuilt per day, so re-processing is harmless.
CREATE TABLE crm.identity_activity (
  original_id text NOT NULL,
  room_id     text,
  day         date NOT NULL,
  sent        int NOT NULL,
  received    int NOT NULL,
  last_at     timestamptz NOT NULL,
  CONSTRAINT identity_activity_key UNIQUE NULLS NOT DISTINCT (original_id, day, room_id)
);
CREATE INDEX identity_activity_room_day_idx ON crm.identity_activity (room_id, day) WHERE room_id IS NOT NULL;
CREATE INDEX identity_activity_day_idx ON crm.identity_activity (day);

-- per group: members seen and messages, refreshed with the activity, so room lists never count at request time
CREATE TABLE crm.room_stats (
  room_id       text PRIMARY KEY,
  member_count  int NOT NULL,
  message_count int NOT NULL,
  last_at       timestamptz
);

-- per id, all time: what the unfiltered lists show, so a busy teacher's year of activity is never summed per request
CREATE TABLE crm.identity_totals (
  original_id  text PRIMARY KEY,
  sent         int NOT NULL,
  received     int NOT NULL,
  last_room_id text,
  last_room_at timestamptz
);

-- chat.ingested runs already handled (events arrive at least once)
CREATE TABLE crm.extracted_runs (
  run_id       bigint PRIMARY KEY,
  new_ids      int NOT NULL,
  extracted_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE crm.identity_totals;
DROP TABLE crm.room_stats;
DROP TABLE crm.extracted_runs;
DROP TABLE crm.identity_activity;
DROP INDEX chat.messages_import_run_idx;
