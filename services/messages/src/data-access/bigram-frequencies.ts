import type { Queryable } from '@doitcrm/kit';

/**
 * How often each common bigram occurs, as ANALYZE measured it on the search index's expression: PostgreSQL keeps the
 * most common elements of an array expression with their frequencies (`most_common_elems` in pg_stats, see
 * https://www.postgresql.org/docs/current/view-pg-stats.html). A bigram missing from the list occurs in fewer rows
 * than `floor` (the list's smallest frequency), or not at all.
 */
export interface BigramFrequencies {
  rows: number;
  /** the archive's first and last message: its rows per millisecond, for turning rows into a time window */
  oldest: Date;
  newest: Date;
  floor: number;
  common: Map<string, number>;
}

const TTL_MS = 5 * 60_000;
const cache = new WeakMap<object, { at: number; value: Promise<BigramFrequencies | null> }>();

/** The statistics, read at most every few minutes per pool (they change only when ANALYZE runs). null: none yet. */
export function bigramFrequencies(db: Queryable, now = Date.now()): Promise<BigramFrequencies | null> {
  const hit = cache.get(db);
  if (hit && now - hit.at < TTL_MS) return hit.value;
  const value = readFrequencies(db).catch((error: unknown) => {
    cache.delete(db);
    throw error;
  });
  cache.set(db, { at: now, value });
  return value;
}

async function readFrequencies(db: Queryable): Promise<BigramFrequencies | null> {
  const { rows: [row] } = await db.query<{ elems: string[] | null; freqs: number[] | null; reltuples: number; oldest: Date | null; newest: Date | null }>(
    `SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs, c.reltuples::float8 AS reltuples,
       (SELECT min(msgtime) FROM chat.messages) AS oldest, (SELECT max(msgtime) FROM chat.messages) AS newest
     FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = 'chat' AND s.tablename = 'messages_text_bigrams_idx'
     WHERE c.oid = 'chat.messages'::regclass`);
  if (!row?.elems || !row.freqs || row.reltuples <= 0 || !row.oldest || !row.newest) return null;
  // the frequencies array ends with the minimum, the maximum and the null fraction
  const common = new Map(row.elems.map((elem, i) => [elem, row.freqs![i]!]));
  return { rows: row.reltuples, oldest: row.oldest, newest: row.newest, floor: row.freqs[row.elems.length]!, common };
}
