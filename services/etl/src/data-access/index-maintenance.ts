import type { Logger, Pool } from '@doitcrm/kit';

/**
 * Moves what an import left in the pending lists of chat.messages' GIN indexes (the search bigrams) into the
 * indexes proper. GIN's fast update parks new entries in an unsorted list that every search reads in full until
 * autovacuum or the list's size limit merges it; after an import that is up to `gin_pending_list_limit` (4 MB) of
 * entries read by each search until then. Best effort: a failure leaves the merge to autovacuum.
 */
export async function mergePendingIndexEntries(pool: Pool, logger: Logger): Promise<number> {
  try {
    const { rows } = await pool.query<{ pages: number }>(
      `SELECT coalesce(sum(gin_clean_pending_list(i.indexrelid::regclass)), 0)::int AS pages
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
       WHERE i.indrelid = 'chat.messages'::regclass AND a.amname = 'gin'`);
    return rows[0]!.pages;
  } catch (error) {
    logger.warn({ err: error }, 'could not merge the search index\'s pending entries; autovacuum will');
    return 0;
  }
}
