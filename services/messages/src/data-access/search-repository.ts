import type { Queryable } from '@doitcrm/kit';
import type { Page, PersonRole, SearchHit } from '../contract.ts';
import { snippetParts } from '../domain/search-terms.ts';
import type { MessageCursor } from './keyset-cursor.ts';
import { toPage } from './keyset-cursor.ts';
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

const DAY_MS = 86_400_000;
// Newest first, widening the time range until a page is full: a common word (老师: a fifth of all messages) fills a
// page within days, while fetching all its hits through the index and sorting them would read tens of thousands.
const WIDENING_DAYS = [7, 35, 180];

/** The first (or next) page of hits, newest first, searched in growing time ranges below the page's upper bound. */
export async function searchNewestFirst(db: Queryable, query: SearchQuery): Promise<Page<SearchHit>> {
  let upper: Date | null = query.cursor ? new Date(query.cursor.msgtime) : query.end ?? null;
  if (!upper) {
    const { rows: [latest] } = await db.query<{ at: Date | null }>('SELECT max(msgtime) AS at FROM chat.messages');
    upper = latest?.at ?? null;
  }
  // without the index (one character, always with a group or person filter) one walk newest first is cheapest
  if (upper && query.useIndex) {
    for (const days of WIDENING_DAYS) {
      const since = new Date(upper.getTime() - days * DAY_MS);
      if (query.start && since <= query.start) break;
      const page = await searchMessages(db, { ...query, start: since });
      if (page.nextCursor) return page;
    }
  }
  return searchMessages(db, query);
}

const TEXT = 'insight.message_text(m.msgtype, m.payload)';

/**
 * Messages whose text contains the term, newest first. The bigram index (same expression as the migration's) finds
 * candidates; strpos on the lower-cased text rechecks every one, so a hit is exactly a substring match.
 */
export async function searchMessages(db: Queryable, query: SearchQuery): Promise<Page<SearchHit>> {
  const { values, param } = sqlParams();
  const term = param(query.term);
  const conditions = [IS_CHAT, `strpos(lower(${TEXT}), lower(${term})) > 0`, beforeCursor(query.cursor, param)];
  if (query.useIndex) conditions.push(`insight.bigrams(${TEXT}) @> insight.bigrams(${term})`);
  if (query.roomId) conditions.push(`m.room_id = ${param(query.roomId)}`);
  if (query.personId) conditions.push(`m.from_id = ${param(query.personId)}`);
  if (query.classId) conditions.push(`m.room_id = (SELECT c.room_id FROM crm.classes c WHERE c.id = ${param(query.classId)})`);
  if (query.role) conditions.push(`s.user_role = ${param(query.role)}`);
  if (query.start) conditions.push(`m.msgtime >= ${param(query.start)}`);
  if (query.end) conditions.push(`m.msgtime <= ${param(query.end)}`);
  const { rows } = await db.query<MessageRow & { search_text: string; room_name: string | null }>(
    `SELECT ${MESSAGE_COLUMNS}, ${TEXT} AS search_text,
       CASE WHEN m.room_id IS NOT NULL THEN (SELECT coalesce(r.display_name, cl.name, m.room_id)
         FROM (SELECT 1) one LEFT JOIN crm.identities r ON r.id_type = 'room_id' AND r.original_id = m.room_id
         LEFT JOIN crm.classes cl ON cl.room_id = m.room_id) END AS room_name
     FROM chat.messages m ${SENDER_JOIN}
     WHERE ${conditions.join(' AND ')}
     ORDER BY m.msgtime DESC, m.msgid DESC LIMIT ${param(query.limit + 1)}`,
    values);
  return toPage(rows, query.limit, (row) => ({
    ...toMessageView(row),
    snippet: snippetParts(row.search_text, query.term),
    roomName: row.room_name,
  }));
}
