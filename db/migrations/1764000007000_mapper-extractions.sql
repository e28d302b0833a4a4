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

-- Per id and chat (room_id NULL for 1:1), all time: kept by adding and subtracting the activity of the days an
-- extraction rebuilds, so an import costs what its own days cost, and the per-id totals, the group stats and the
-- suggestions read a few thousand rows instead of folding the whole activity table.
CREATE TABLE crm.identity_room_totals (
  original_id text NOT NULL,
  room_id     text,
  sent        int NOT NULL,
  received    int NOT NULL,
  last_at     timestamptz NOT NULL,
  -- the Beijing days with activity, as ranges (a member of a busy group is one range): "active in a window" is one
  -- overlap test instead of a probe into the per-day rows
  active_days datemultirange NOT NULL DEFAULT '{}',
  CONSTRAINT identity_room_totals_key UNIQUE NULLS NOT DISTINCT (original_id, room_id)
);
CREATE INDEX identity_room_totals_room_idx ON crm.identity_room_totals (room_id) WHERE room_id IS NOT NULL;
INSERT INTO crm.identity_room_totals (original_id, room_id, sent, received, last_at, active_days)
SELECT original_id, room_id, sum(sent), sum(received), max(last_at), range_agg(daterange(day, day, '[]'))
FROM crm.identity_activity GROUP BY original_id, room_id;

-- the same days over all of an id's chats, for the lists' date window
ALTER TABLE crm.identity_totals ADD COLUMN active_days datemultirange NOT NULL DEFAULT '{}';
UPDATE crm.identity_totals it SET active_days = t.days
FROM (SELECT original_id, range_agg(active_days) AS days FROM crm.identity_room_totals GROUP BY original_id) t
WHERE t.original_id = it.original_id;
CREATE INDEX identity_totals_active_days_idx ON crm.identity_totals USING gist (active_days);

-- Down Migration
ALTER TABLE crm.identity_totals DROP COLUMN active_days;
DROP TABLE crm.identity_room_totals;
DROP TABLE crm.extractions;
