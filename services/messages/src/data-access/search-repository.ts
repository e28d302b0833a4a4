import { withTransaction, type Pool, type Queryable } from '@doitcrm/kit';
import type { Page, PersonRole, SearchHit } from '../contract.ts';
import { PACE_PROBE, SINGLE_CHARACTER_BUDGET, WIDEN, chooseSearchPlan, continuedWalk, filterPace, indexKeys, wholeFilterCheaper } from '../domain/search-plan.ts';
import { bigramsOf, snippetParts } from '../domain/search-terms.ts';
import { bigramFrequencies, type BigramFrequencies } from './bigram-frequencies.ts';
import type { MessageCursor } from './keyset-cursor.ts';
import { encodeCursorAt, toPage } from './keyset-cursor.ts';
import { IS_CHAT, MESSAGE_COLUMNS, SENDER_JOIN, beforeCursor, sqlParams, toMessageView, type MessageRow } from './message-rows.ts';

export interface SearchQuery {
  term: string;
  /** false for single characters (and whitespace-broken terms): no bigram narrows them, a filter must */
  useIndex: boolean;
  roomId?: string;
  personId?: string;
  classId?: number;
  role?: PersonRole;
  start?: Date;
  end?: Date;
  cursor: MessageCursor | null;
  limit: number;
}

/** A pool: the forced bitmap takes one client for its transaction, the rest are plain queries. */
export type SearchDatabase = Pool;

interface FoundRow {
  msgid: string;
  /** as PostgreSQL prints it: microseconds survive the round trip into a cursor */
  at: string;
}

const TEXT = 'insight.message_text(m.msgtype, m.payload)';
/** work_mem of the bitmap statement alone (see bitmapSearch); https://www.postgresql.org/docs/current/runtime-config-resource.html */
const BITMAP_WORK_MEM = '32MB';

/**
 * The exact test: the term in the lower-cased text. A term without cased letters (Chinese, digits) is found the same
 * in the text as it is: lower() of every row read, a third of a walk's time, is then skipped.
 */
function contains(text: string, termParam: string, term: string): string {
  return term.toLowerCase() === term.toUpperCase() ? `strpos(${text}, ${termParam}) > 0` : `strpos(lower(${text}), lower(${termParam})) > 0`;
}

/**
 * The first (or next) page of hits, newest first: exact substring matches (strpos on the lower-cased text), found
 * the way chooseSearchPlan picks from the statistics of the term's bigrams (see there why not the planner's way).
 */
export async function searchNewestFirst(db: SearchDatabase, query: SearchQuery): Promise<SearchPage> {
  const stats = query.useIndex ? await bigramFrequencies(db) : null;
  let found: FoundRow[] = [];
  /** set when a single character's walk stopped at its budget with the page not full */
  let searchedTo: MessageCursor | null = null;
  if (!query.useIndex) {
    // one character, always with a group or person filter: a bounded walk newest first through it
    const walk = await walkSearch(db, query, SINGLE_CHARACTER_BUDGET);
    found = walk.hits;
    searchedTo = walk.boundary;
  } else {
    const grams = bigramsOf(query.term);
    const shares = stats && grams.map((gram) => stats.common.get(gram) ?? null);
    const plan = chooseSearchPlan(stats && shares && { rows: stats.rows, bigrams: shares }, query.limit + 1);
    const keys = indexKeys(grams, shares, query.term);
    let rest: SearchQuery | null = query;
    const windowRows = plan.kind === 'bitmap' ? plan.windowRows : plan.budget * WIDEN;
    if (plan.kind === 'walk') {
      const walk = await walkSearch(db, query, plan.budget);
      found = walk.hits;
      rest = walk.boundary && { ...query, cursor: walk.boundary, limit: query.limit - found.length };
      const postings = stats && shares ? stats.rows * Math.min(...shares.map((share) => share ?? stats.floor)) : 0;
      const more = rest && continuedWalk(found.length, plan.budget, rest.limit + 1, postings);
      if (rest && more) {
        const next = await walkSearch(db, rest, more);
        found = [...found, ...next.hits];
        rest = next.boundary && { ...query, cursor: next.boundary, limit: query.limit - found.length };
      }
    }
    if (rest) found = [...found, ...await windowedBitmapSearch(db, rest, keys, stats && windowRows !== null ? { rows: windowRows, stats } : null)];
  }
  const page = toPage(await hitRows(db, found), query.limit, (row) => ({
    ...toMessageView(row),
    snippet: snippetParts(row.search_text, query.term),
    roomName: row.room_name,
  }));
  if (!searchedTo) return { ...page, searchedTo: null };
  return { items: page.items, nextCursor: encodeCursorAt(searchedTo), searchedTo: new Date(searchedTo.msgtime).toISOString() };
}

/** A page of hits; `searchedTo` (with a cursor going on from there) when the call stopped reading before it was full. */
export interface SearchPage extends Page<SearchHit> {
  searchedTo: string | null;
}

/**
 * Bitmaps over growing time ranges below the page's upper bound, the first about `windowRows` messages long (at the
 * archive's average rate), until the page is full or the range reaches the search's start. null: one over all.
 */
async function windowedBitmapSearch(db: SearchDatabase, query: SearchQuery, keys: string[] | null, window: { rows: number; stats: BigramFrequencies } | null) {
  if (!window) return bitmapSearch(db, query, keys);
  const { stats } = window;
  let upper = query.cursor ? new Date(query.cursor.msgtime) : query.end;
  if (!upper) {
    const { rows: [latest] } = await db.query<{ at: Date | null }>('SELECT max(msgtime) AS at FROM chat.messages');
    upper = latest?.at ?? stats.newest;
  }
  let msPerRow = Math.max(1, stats.newest.getTime() - stats.oldest.getTime()) / stats.rows;
  let floor = query.start ?? stats.oldest;
  if (query.roomId || query.personId || query.classId) {
    const probe = await probeFilter(db, query, upper);
    const pace = filterPace(upper, probe.probed);
    if (pace === null || !probe.oldest) return bitmapSearch(db, query, keys);
    msPerRow = pace;
    if (probe.oldest > floor) floor = probe.oldest;
    if (wholeFilterCheaper((upper.getTime() - floor.getTime()) / pace, stats.rows)) return bitmapSearch(db, query, keys);
  }
  for (let rows = window.rows; ; rows *= WIDEN) {
    const since = new Date(upper.getTime() - rows * msPerRow);
    // the last range is the search's own: older rows than the statistics knew of are still searched. A window
    // reaching past half of what is left is not worth its own decoding of the key's postings.
    if (2 * (upper.getTime() - since.getTime()) >= upper.getTime() - floor.getTime()) return bitmapSearch(db, query, keys);
    const found = await bitmapSearch(db, { ...query, start: since }, keys);
    if (found.length > query.limit) return found;
  }
}

/**
 * The time of the filter's PACE_PROBE-th newest message at or below `upper` (null: it has fewer) and of its oldest
 * (null: none), read from the group's or sender's own (room_id|from_id, msgtime) index alone.
 */
async function probeFilter(db: Queryable, query: SearchQuery, upper: Date): Promise<{ probed: Date | null; oldest: Date | null }> {
  const { values, param } = sqlParams();
  const conditions = [`m.msgtime <= ${param(upper)}`];
  if (query.roomId) conditions.push(`m.room_id = ${param(query.roomId)}`);
  if (query.personId) conditions.push(`m.from_id = ${param(query.personId)}`);
  if (query.classId) conditions.push(`m.room_id = (SELECT c.room_id FROM crm.classes c WHERE c.id = ${param(query.classId)})`);
  if (query.start) conditions.push(`m.msgtime >= ${param(query.start)}`);
  const where = conditions.join(' AND ');
  const { rows: [row] } = await db.query<{ probed: Date | null; oldest: Date | null }>(
    `SELECT (SELECT m.msgtime FROM chat.messages m WHERE ${where} ORDER BY m.msgtime DESC OFFSET ${PACE_PROBE - 1} LIMIT 1) AS probed,
       (SELECT min(m.msgtime) FROM chat.messages m WHERE ${where}) AS oldest`, values);
  return { probed: row?.probed ?? null, oldest: row?.oldest ?? null };
}

/** The filters every plan applies (the cursor, group, sender, class, role and dates) as SQL conditions on `m`. */
function filters(query: SearchQuery, param: (value: unknown) => string): string[] {
  const conditions = [IS_CHAT, beforeCursor(query.cursor, param)];
  // the row comparison alone is no condition on the one-column time index: a next page would walk from the newest
  if (query.cursor) conditions.push(`m.msgtime <= ${param(query.cursor.msgtime)}::timestamptz`);
  if (query.roomId) conditions.push(`m.room_id = ${param(query.roomId)}`);
  if (query.personId) conditions.push(`m.from_id = ${param(query.personId)}`);
  if (query.classId) conditions.push(`m.room_id = (SELECT c.room_id FROM crm.classes c WHERE c.id = ${param(query.classId)})`);
  if (query.role) conditions.push(`s.user_role = ${param(query.role)}`);
  if (query.start) conditions.push(`m.msgtime >= ${param(query.start)}`);
  if (query.end) conditions.push(`m.msgtime <= ${param(query.end)}`);
  return conditions;
}

const fromMessages = (query: SearchQuery) => `chat.messages m ${query.role ? SENDER_JOIN : ''}`;

/**
 * Hits among the newest `budget` messages that pass the filters, read newest first and
 * stopping at a full page. When the budget runs out first, `boundary` is the last message read: the rest lies below.
 */
async function walkSearch(db: Queryable, query: SearchQuery, budget: number): Promise<{ hits: FoundRow[]; boundary: MessageCursor | null }> {
  const { values, param } = sqlParams();
  const term = param(query.term);
  const where = filters(query, param).join(' AND ');
  const { rows: found } = await db.query<FoundRow & { hit: boolean; n: number }>(
    `SELECT w.msgid, w.msgtime::text AS at, ${contains('w.text', term, query.term)} AS hit, w.n
     FROM (SELECT m.msgid, m.msgtime, ${TEXT} AS text, row_number() OVER (ORDER BY m.msgtime DESC, m.msgid DESC) AS n
       FROM ${fromMessages(query)} WHERE ${where} ORDER BY m.msgtime DESC, m.msgid DESC LIMIT ${param(budget)}) w
     WHERE ${contains('w.text', term, query.term)} OR w.n = ${param(budget)}
     ORDER BY w.msgtime DESC, w.msgid DESC LIMIT ${param(query.limit + 1)}`,
    values);
  const hits = found.filter((row) => row.hit).map(({ msgid, at }) => ({ msgid, at }));
  const last = found[found.length - 1];
  const exhausted = last?.n === budget && hits.length <= query.limit;
  return {
    hits,
    boundary: exhausted ? { msgtime: last.at, msgid: last.msgid } : null,
  };
}

/**
 * Hits from the bigram GIN index: every candidate, rechecked, sorted, cut to the page. Index scans are switched off
 * for this one statement (SET LOCAL in its own transaction): otherwise the planner may still walk the time index with
 * the bigram test as a filter, the plan that took seconds.
 */
async function bitmapSearch(db: SearchDatabase, query: SearchQuery, keys: string[] | null): Promise<FoundRow[]> {
  const { values, param } = sqlParams();
  const term = param(query.term);
  const asked = keys ? `${param(keys)}::text[]` : `insight.bigrams(${term})`;
  const conditions = [...filters(query, param), `insight.bigrams(${TEXT}) @> ${asked}`, contains(TEXT, term, query.term)];
  return withTransaction(db, async (client) => {
    // and enough memory that a bitmap of ~100,000 postings stays exact: a lossy page rechecks every row on it with
    // bigrams() (at 2M messages a sender's BitmapAnd went lossy on 4,976 pages, 34,327 rows, 315 ms)
    await client.query(`SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true),
      set_config('work_mem', '${BITMAP_WORK_MEM}', true)`);
    const { rows } = await client.query<FoundRow>(
      `SELECT m.msgid, m.msgtime::text AS at FROM ${fromMessages(query)} WHERE ${conditions.join(' AND ')}
       ORDER BY m.msgtime DESC, m.msgid DESC LIMIT ${param(query.limit + 1)}`, values);
    return rows;
  });
}

/** The page's messages with their sender and group, by id, newest first. */
async function hitRows(db: Queryable, found: FoundRow[]) {
  if (found.length === 0) return [];
  const { rows } = await db.query<MessageRow & { search_text: string; room_name: string | null }>(
    `SELECT ${MESSAGE_COLUMNS}, ${TEXT} AS search_text,
       CASE WHEN m.room_id IS NOT NULL THEN (SELECT coalesce(r.display_name, cl.name, m.room_id)
         FROM (SELECT 1) one LEFT JOIN crm.identities r ON r.id_type = 'room_id' AND r.original_id = m.room_id
         LEFT JOIN crm.classes cl ON cl.room_id = m.room_id) END AS room_name
     FROM chat.messages m ${SENDER_JOIN}
     WHERE m.msgid = ANY($1::text[]) ORDER BY m.msgtime DESC, m.msgid DESC`,
    [found.map((row) => row.msgid)]);
  return rows;
}
