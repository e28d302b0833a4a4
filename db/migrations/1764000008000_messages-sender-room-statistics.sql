-- Up Migration
-- A person's messages in one group: the planner multiplies the selectivities of from_id and room_id as if
-- independent, expects a handful of rows for a parent who writes hundreds in their class group, and reads all of
-- the person's month by bitmap where a backward index scan would stop after a few dozen. Statistics on the pair
-- let it see that a sender's messages cluster in a few rooms.
CREATE STATISTICS chat.messages_sender_room_stats (dependencies, mcv) ON from_id, room_id FROM chat.messages;

-- Down Migration
DROP STATISTICS IF EXISTS chat.messages_sender_room_stats;
