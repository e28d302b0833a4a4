-- Up Migration
-- A search for a term whose bigrams are all common narrows each window of time with a bitmap of the window's rows
-- ANDed with the term's rarest bigram (services/messages/src/domain/search-plan.ts). From the btree on msgtime that
-- bitmap costs a tenth of a microsecond per message of the window: 24 ms for the ~238,000 messages a window of
-- 周周三的 spans at 10M, most of its 57 ms. The archive is written in time order, so a block-range index answers the
-- same window from a few hundred range summaries (7.7 ms for the whole search statement), and costs the import
-- next to nothing (https://www.postgresql.org/docs/15/brin-intro.html). It is lossy: the rows are rechecked.
CREATE INDEX messages_time_brin_idx ON chat.messages USING brin (msgtime) WITH (pages_per_range = 32);

-- Down Migration
DROP INDEX chat.messages_time_brin_idx;
