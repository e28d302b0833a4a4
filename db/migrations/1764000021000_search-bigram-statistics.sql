-- Up Migration
-- The search chooses its plan from ANALYZE's most common bigrams and their frequencies (services/messages/src/domain/
-- search-plan.ts): a bigram missing from that list is taken as rare and answered from the GIN index. The default
-- target keeps 1,000 bigrams, the last of them in ~0.5 % of messages: at 2M messages a "rare" bigram could still
-- have ~10,000 candidates scattered over the table. A target of 1,000 keeps up to 10,000 bigrams (see
-- https://www.postgresql.org/docs/current/planner-stats.html), so a bigram outside the list has few candidates.
-- ANALYZE runs in the next migration: in this transaction it would still see the index's old target.
ALTER INDEX chat.messages_text_bigrams_idx ALTER COLUMN 1 SET STATISTICS 1000;

-- Down Migration
ALTER INDEX chat.messages_text_bigrams_idx ALTER COLUMN 1 SET STATISTICS -1;
