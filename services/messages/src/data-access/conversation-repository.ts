import type { Queryable } from '@doitcrm/kit';
import type { ConversationSummary, MessageView, Page } from '../contract.ts';
import type { MessageCursor } from './keyset-cursor.ts';
import { toPage } from './keyset-cursor.ts';
import {
  IS_CHAT, MESSAGE_COLUMNS, SENDER_JOIN, beforeCursor, displayName, sqlParams, toMessageView, type MessageRow,
} from './message-rows.ts';

export interface TimeWindow {
  start: Date;
  end: Date;
}

// In a group, the messages of others this close to one of the person's own are shown as context: the question
// just before, and the teachers' replies after.
export const CONTEXT_BEFORE = '10 minutes';
export const CONTEXT_AFTER = '30 minutes';

export const PRIVATE_PREFIX = 'private:';
// beyond this many own messages in a group's window, the group is always walked
const OWN_DRIVEN_MAX = 2_000;
const CONTEXT_SPAN_MINUTES = 40;

/**
 * Which way is cheaper for a group page: from the person's own messages (rows read ≈ own × rows per context span)
 * or walking the group newest first until the page is full (rows read ≈ page × group rows / own rows).
 */
function ownDriven(own: number, all: number, window: TimeWindow, limit: number, max: number): boolean {
  if (own > max) return false;
  const windowMinutes = Math.max(1, (window.end.getTime() - window.start.getTime()) / 60_000);
  const fromOwn = own * (1 + (all * CONTEXT_SPAN_MINUTES) / windowMinutes);
  const walking = Math.min(all, ((limit + 1) * all) / Math.max(1, own));
  return fromOwn <= walking;
}

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
  const { rows } = await db.query<ConversationRow>(
    `WITH mine AS (
       SELECT m.room_id, CASE WHEN m.room_id IS NULL THEN m.to_ids[1] END AS peer, m.msgtime FROM chat.messages m
       WHERE m.from_id = $1 AND m.msgtime BETWEEN $2 AND $3 AND ${IS_CHAT}
       UNION ALL
       SELECT NULL, m.from_id, m.msgtime FROM chat.messages m
       WHERE m.room_id IS NULL AND m.to_ids[1] = $1 AND m.msgtime BETWEEN $2 AND $3 AND m.from_id IS DISTINCT FROM $1 AND ${IS_CHAT}
     ), grouped AS (
       SELECT room_id, peer, count(*)::int AS message_count, min(msgtime) AS first_at, max(msgtime) AS last_at
       FROM mine GROUP BY room_id, peer
     )
     SELECT c.*, CASE WHEN c.room_id IS NOT NULL THEN ${displayName('r', 'coalesce(cl.name, c.room_id)')}
                      ELSE ${displayName('p', "coalesce(c.peer, '未知')")} END AS name
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
  ownDrivenMax = OWN_DRIVEN_MAX,
): Promise<Page<MessageView>> {
  const { values, param } = sqlParams([personId, window.start, window.end]);
  let source: string;
  let where: string;
  if (conversationKey.startsWith(PRIVATE_PREFIX)) {
    const peer = param(conversationKey.slice(PRIVATE_PREFIX.length) || null);
    source = 'chat.messages m';
    where = `m.room_id IS NULL AND ((m.from_id = $1 AND m.to_ids[1] IS NOT DISTINCT FROM ${peer})
      OR (m.from_id = ${peer} AND m.to_ids[1] = $1))`;
  } else {
    const room = param(conversationKey);
    where = `m.room_id = ${room}`;
    const { rows: [counts] } = await db.query<{ own: number; all: number }>(
      `SELECT (SELECT count(*) FROM chat.messages WHERE from_id = $1 AND room_id = $2 AND msgtime BETWEEN $3 AND $4)::int AS own,
              (SELECT count(*) FROM chat.messages WHERE room_id = $2 AND msgtime BETWEEN $3 AND $4)::int AS all`,
      [personId, conversationKey, window.start, window.end]);
    if (ownDriven(counts!.own, counts!.all, window, limit, ownDrivenMax)) {
      // few own messages: the short spans around each, found by index (however busy the group is)
      source = `(SELECT DISTINCT c.msgid FROM chat.messages o CROSS JOIN LATERAL (
          SELECT c.msgid FROM chat.messages c WHERE c.room_id = o.room_id
            AND c.msgtime BETWEEN o.msgtime - interval '${CONTEXT_BEFORE}' AND o.msgtime + interval '${CONTEXT_AFTER}') c
        WHERE o.from_id = $1 AND o.room_id = ${room} AND o.msgtime BETWEEN $2 AND $3) context
        JOIN chat.messages m ON m.msgid = context.msgid`;
    } else {
      // a very active member: walking the group newest first fills a page after a few rows
      source = 'chat.messages m';
      where += ` AND (m.from_id = $1 OR EXISTS (SELECT 1 FROM chat.messages o WHERE o.from_id = $1 AND o.room_id = ${room}
        AND o.msgtime BETWEEN greatest($2::timestamptz, m.msgtime - interval '${CONTEXT_AFTER}') AND least($3::timestamptz, m.msgtime + interval '${CONTEXT_BEFORE}')))`;
    }
  }
  const { rows } = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM ${source} ${SENDER_JOIN}
     WHERE ${where} AND m.msgtime BETWEEN $2 AND $3 AND ${IS_CHAT} AND ${beforeCursor(cursor, param)}
     ORDER BY m.msgtime DESC, m.msgid DESC LIMIT ${param(limit + 1)}`,
    values,
  );
  return toPage(rows, limit, (row) => toMessageView(row, personId));
}

/** The latest message the person sent or received 1:1, of all time (two index lookups). */
export async function lastActivity(db: Queryable, personId: string): Promise<Date | null> {
  const { rows: [row] } = await db.query<{ at: Date | null }>(
    `SELECT greatest((SELECT max(msgtime) FROM chat.messages WHERE from_id = $1),
                     (SELECT max(msgtime) FROM chat.messages WHERE room_id IS NULL AND to_ids[1] = $1)) AS at`, [personId]);
  return row?.at ?? null;
}
