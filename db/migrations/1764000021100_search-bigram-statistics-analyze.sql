-- Up Migration
-- Gathers the statistics the previous migration asked for (ANALYZE reads an index's statistics target when the
-- index is opened, so it must run in a later transaction than the ALTER INDEX).
ANALYZE chat.messages;

-- Down Migration
-- statistics are not schema: nothing to take back (the previous migration's down resets the target)
SELECT 1;
