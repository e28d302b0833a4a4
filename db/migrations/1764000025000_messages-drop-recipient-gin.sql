-- The GIN index on to_ids had no reader: received 1:1 messages go through messages_direct_to_time_idx and
-- messages_direct_pair_time_idx, group traffic through the room. It held every recipient of every group message
-- (29 on average in the demo school), and maintaining it was 18% of an import's time: a 504,344-row INSERT into a
-- copy of chat.messages took 59.9 s with it and 49.1 s without (`npm run bench:etl`'s archive, this 2-core box).
DROP INDEX IF EXISTS chat.messages_to_ids_idx;
