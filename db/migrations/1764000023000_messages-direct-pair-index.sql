-- Up Migration
-- A 1:1 conversation page reads the messages of one pair of people: (A → B) and (B → A). With only the per-sender
-- index, the half sent by a teacher is found by walking all the teacher's messages of the window (thousands at 2M,
-- growing with the archive) and filtering on the receiver. Keyed by sender and receiver, each half is one index
-- range holding exactly the pair's messages, read newest first and stopped after the page.
CREATE INDEX IF NOT EXISTS messages_direct_pair_time_idx ON chat.messages (from_id, (to_ids[1]), msgtime DESC) WHERE room_id IS NULL;

-- Down Migration
DROP INDEX IF EXISTS chat.messages_direct_pair_time_idx;
