-- Up Migration
-- The Coze chat a summary opened, stored the moment Coze names it: a worker killed before the answer is stored
-- leaves these behind, and the redelivered job reads that chat back (/v3/chat/retrieve, /v3/chat/message/list)
-- instead of paying for a second one.
ALTER TABLE insight.summaries
  ADD COLUMN coze_conversation_id text,
  ADD COLUMN coze_chat_id text,
  ADD CONSTRAINT summaries_coze_chat_both CHECK ((coze_conversation_id IS NULL) = (coze_chat_id IS NULL));

-- Down Migration
ALTER TABLE insight.summaries DROP CONSTRAINT summaries_coze_chat_both;
ALTER TABLE insight.summaries DROP COLUMN coze_chat_id, DROP COLUMN coze_conversation_id;
