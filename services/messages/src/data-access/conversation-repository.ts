import { prepared, type Queryable } from '@doitcrm/kit';
import type { ConversationSummary, MessageView, Page } from '../contract.ts';
import type { MessageCursor } from './keyset-cursor.ts';
import { toPage } from './keyset-cursor.ts';
import {
  IS_CHAT, MESSAGE_COLUMNS, SENDER_JOIN, beforeCursor, sqlParams, toMessageView, type MessageRow,
} from './message-rows.ts';

export interface TimeWindow {
  start: Date;
  end: Date;
}

// In a group, the messages of others this close to one of the person's own are shown as context: the question
// just before, and the teachers' replies after.
export const CONTEXT_BEFORE = '10 minutes';
export const CONTEXT_AFTER = '30 minutes';
const CONTEXT_AFTER_MS = 30 * 60_000;

export const PRIVATE_PREFIX = 'private:';
// how many of the person's own group messages a page starts from; grown fourfold while that is not enough
const OWN_BATCH = 24;
const OWN_BATCH_MAX = 6_144;

interface ConversationRow {
  room_id: string | null;
  peer: string | null;
  message_count: number;
  first_at: Date;
  last_at: Date;
  name: string;
}

/**
 * The person's conversations in the window, newest activity first. Groups: rooms the person wrote in. 1:1 (room_id
 * NULL, exactly one receiver): everything the person sent or received, keyed by the other party.
 */
export async function listConversations(db: Queryable, personId: string, window: TimeWindow): Promise<ConversationSummary[]> {
  // not a named statement: at its sixth run on a connection PostgreSQL plans it generically as well, and for this
  // union that took ~25 ms (measured at 10M messages: one run in six per connection, the p95 of a person's view);
  // planned anew each time, it costs well under a millisecond more
  const { rows } = await db.query<ConversationRow>(
    // three index-only ranges (migration 1764000029000 carries room_id, action and the 1:1 party in the indexes):
    // groups from the sender index, 1:1 sent from the pair index, 1:1 received from the receiver index
    `WITH mine AS (
       SELECT m.room_id, NULL::text AS peer, m.msgtime FROM chat.messages m
       WHERE m.from_id = $1 AND m.room_id IS NOT NULL AND m.msgtime BETWEEN $2 AND $3 AND ${IS_CHAT}
       UNION ALL
       SELECT NULL, m.to_ids[1], m.msgtime FROM chat.messages m
       WHERE m.room_id IS NULL AND m.from_id = $1 AND m.msgtime BETWEEN $2 AND $3 AND ${IS_CHAT}
       UNION ALL
       SELECT NULL, m.from_id, m.msgtime FROM chat.messages m
       WHERE m.room_id IS NULL AND m.to_ids[1] = $1 AND m.msgtime BETWEEN $2 AND $3 AND m.from_id IS DISTINCT FROM $1 AND ${IS_CHAT}
     ), grouped AS (
       SELECT room_id, peer, count(*)::int AS message_count, min(msgtime) AS first_at, max(msgtime) AS last_at
       FROM mine GROUP BY room_id, peer
     )
     SELECT c.*, CASE WHEN c.room_id IS NOT NULL THEN coalesce(r.display_name, cl.name, c.room_id)
                      ELSE coalesce(p.display_name, c.peer, '未知') END AS name
     FROM grouped c
     LEFT JOIN crm.identities r ON r.id_type = 'room_id' AND r.original_id = c.room_id
     LEFT JOIN crm.classes cl ON cl.room_id = c.room_id
     LEFT JOIN crm.identities p ON p.id_type = 'user_id' AND p.original_id = c.peer
     ORDER BY c.last_at DESC, c.room_id, c.peer`,
    [personId, window.start, window.end],
  );
  return rows.map((row) => ({
    key: row.room_id ?? `${PRIVATE_PREFIX}${row.peer ?? ''}`,
    type: row.room_id ? 'group' : 'private',
    name: row.name,
    peerId: row.room_id ? null : row.peer,
    roomId: row.room_id,
    messageCount: row.message_count,
    firstMessageTime: row.first_at.toISOString(),
    lastMessageTime: row.last_at.toISOString(),
  }));
}

/**
 * One page (newest first) of a conversation as the person sees it: a 1:1 chat whole; a group as the person's own
 * messages plus the context around them.
 */
export async function conversationPage(
  db: Queryable, personId: string, conversationKey: string, window: TimeWindow, cursor: MessageCursor | null, limit: number,
  ownBatch = OWN_BATCH,
): Promise<Page<MessageView>> {
  if (!conversationKey.startsWith(PRIVATE_PREFIX)) return groupPage(db, personId, conversationKey, window, cursor, limit, ownBatch);
  const { values, param } = sqlParams([personId, window.start, window.end]);
  const peerId = conversationKey.slice(PRIVATE_PREFIX.length) || null;
  const pageSize = param(limit + 1);
  // each direction is one range of messages_direct_pair_time_idx (sender, receiver, time), so a page costs what it
  // returns however much either party writes to others; the second half skips what the first holds (a self-chat)
  const half = (from: string, to: string | null, extra: string) => `(
    SELECT m.* FROM chat.messages m
    WHERE m.room_id IS NULL AND m.from_id = ${from} AND m.to_ids[1] ${to === null ? 'IS NULL' : `= ${to}`}${extra}
      AND m.msgtime BETWEEN $2 AND $3 AND ${IS_CHAT} AND ${beforeCursor(cursor, param)}
    ORDER BY m.msgtime DESC, m.msgid DESC LIMIT ${pageSize})`;
  const peer = peerId === null ? null : param(peerId);
  const halves = peer === null ? [half('$1', null, '')] : [half('$1', peer, ''), half(peer, '$1', ' AND m.from_id <> $1')];
  const { rows } = await db.query<MessageRow>(prepared(
    `SELECT ${MESSAGE_COLUMNS} FROM (${halves.join(' UNION ALL ')}) m ${SENDER_JOIN}
     ORDER BY m.msgtime DESC, m.msgid DESC LIMIT ${pageSize}`,
    values,
  ));
  return toPage(rows, limit, (row) => toMessageView(row, personId));
}

type GroupPageRow = MessageRow & { own_count: number; own_oldest: Date | null };

/**
 * A group page from the person's newest own messages (before the cursor) and the short spans around them, found
 * by index however busy the group is. A message at time t lies in the span of an own message o when
 * t − CONTEXT_AFTER ≤ o ≤ t + CONTEXT_BEFORE, so every message later than (oldest own message used + CONTEXT_AFTER)
 * is already complete: when the page's last row is that late, or every own message was used, the page is exact;
 * otherwise it is read again from four times as many own messages.
 */
async function groupPage(
  db: Queryable, personId: string, roomId: string, window: TimeWindow, cursor: MessageCursor | null, limit: number, ownBatch: number,
): Promise<Page<MessageView>> {
  for (let batch = Math.max(1, ownBatch); ; batch *= 4) {
    const everyOwn = batch > OWN_BATCH_MAX;
    const { values, param } = sqlParams([personId, window.start, window.end, roomId]);
    const ownUpTo = cursor ? `least($3::timestamptz, ${param(cursor.msgtime)}::timestamptz + interval '${CONTEXT_BEFORE}')` : '$3';
    const { rows } = await db.query<GroupPageRow>(prepared(
      `WITH own AS MATERIALIZED (
         SELECT o.msgtime FROM chat.messages o
         WHERE o.from_id = $1 AND o.room_id = $4 AND o.msgtime BETWEEN $2 AND ${ownUpTo} AND o.action <> 'switch'
         ORDER BY o.msgtime DESC ${everyOwn ? '' : `LIMIT ${param(batch)}`}
       ), spans AS (
         -- overlapping spans merged, so each message is read once and by index
         SELECT unnest(range_agg(tstzrange(msgtime - interval '${CONTEXT_BEFORE}', msgtime + interval '${CONTEXT_AFTER}', '[]'))) AS span
         FROM own
       )
       SELECT page.*, used.own_count, used.own_oldest
       FROM (SELECT count(*)::int AS own_count, min(msgtime) AS own_oldest FROM own) used
       LEFT JOIN LATERAL (
         SELECT ${MESSAGE_COLUMNS} FROM spans CROSS JOIN LATERAL (
           -- OFFSET 0 keeps this a scan per span: walking the whole group instead is slow when the person wrote little
           SELECT * FROM chat.messages c WHERE c.room_id = $4 AND c.msgtime BETWEEN lower(spans.span) AND upper(spans.span) OFFSET 0) m
         ${SENDER_JOIN}
         WHERE m.msgtime BETWEEN $2 AND $3 AND ${IS_CHAT} AND ${beforeCursor(cursor, param)}
         ORDER BY m.msgtime DESC, m.msgid DESC LIMIT ${param(limit + 1)}
       ) page ON true`,
      values,
    ));
    const { own_count: ownCount, own_oldest: ownOldest } = rows[0]!;
    const messages = rows.filter((row) => row.msgid !== null);
    const last = messages[messages.length - 1];
    const complete = everyOwn || ownCount < batch
      || (messages.length > limit && ownOldest !== null && last!.msgtime.getTime() > ownOldest.getTime() + CONTEXT_AFTER_MS);
    if (complete) return toPage(messages, limit, (row) => toMessageView(row, personId));
  }
}

/**
 * The conversation of the person's newest activity in the window (what the conversation list puts first), found
 * by two index lookups, so its page can be read while the list is still being counted.
 */
export async function newestConversationKey(db: Queryable, personId: string, window: TimeWindow): Promise<string | null> {
  const { rows: [newest] } = await db.query<{ room_id: string | null; peer: string | null }>(prepared(
    `SELECT room_id, peer FROM (
       (SELECT m.room_id, CASE WHEN m.room_id IS NULL THEN m.to_ids[1] END AS peer, m.msgtime FROM chat.messages m
        WHERE m.from_id = $1 AND m.msgtime BETWEEN $2 AND $3 AND ${IS_CHAT} ORDER BY m.msgtime DESC LIMIT 1)
       UNION ALL
       (SELECT NULL, m.from_id, m.msgtime FROM chat.messages m
        WHERE m.room_id IS NULL AND m.to_ids[1] = $1 AND m.msgtime BETWEEN $2 AND $3 AND m.from_id IS DISTINCT FROM $1 AND ${IS_CHAT}
        ORDER BY m.msgtime DESC LIMIT 1)
     ) newest ORDER BY msgtime DESC, room_id, peer LIMIT 1`,
    [personId, window.start, window.end]));
  if (!newest) return null;
  return newest.room_id ?? `${PRIVATE_PREFIX}${newest.peer ?? ''}`;
}

/** The latest message the person sent or received 1:1, of all time (two index lookups). */
export async function lastActivity(db: Queryable, personId: string): Promise<Date | null> {
  const { rows: [row] } = await db.query<{ at: Date | null }>(prepared(
    `SELECT greatest((SELECT max(msgtime) FROM chat.messages WHERE from_id = $1),
                     (SELECT max(msgtime) FROM chat.messages WHERE room_id IS NULL AND to_ids[1] = $1)) AS at`, [personId]));
  return row?.at ?? null;
}
