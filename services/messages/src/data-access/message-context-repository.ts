import type { Queryable } from '@doitcrm/kit';
import type { MessageContextResponse } from '../contract.ts';
import { toPage, type MessageCursor } from './keyset-cursor.ts';
import { IS_CHAT, MESSAGE_COLUMNS, SENDER_JOIN, toMessageView, type MessageRow } from './message-rows.ts';

const NEWER_COUNT = 10;

/**
 * A message in its conversation: its group, or the 1:1 chat of its two parties, with a few newer messages above
 * and the first page of older ones (the target first), so a search hit or a link opens where it happened. With a
 * cursor: the next older page of the same conversation.
 */
export async function readMessageContext(db: Queryable, msgid: string, limit: number, cursor: MessageCursor | null = null): Promise<MessageContextResponse | null> {
  const { rows: [target] } = await db.query<MessageRow & { to_first: string | null }>(
    `SELECT ${MESSAGE_COLUMNS}, m.to_ids[1] AS to_first FROM chat.messages m ${SENDER_JOIN} WHERE m.msgid = $1`, [msgid]);
  if (!target) return null;
  const values: unknown[] = [];
  let where: string;
  let conversation: MessageContextResponse['conversation'];
  if (target.room_id) {
    values.push(target.room_id);
    where = 'm.room_id = $1';
    const { rows: [room] } = await db.query<{ name: string }>(
      `SELECT coalesce(r.display_name, c.name, $1) AS name FROM (SELECT $1::text AS id) q
       LEFT JOIN crm.identities r ON r.id_type = 'room_id' AND r.original_id = q.id LEFT JOIN crm.classes c ON c.room_id = q.id`,
      [target.room_id]);
    conversation = { type: 'group', roomId: target.room_id, name: room!.name };
  } else {
    const a = target.from_id ?? '';
    const b = target.to_first ?? '';
    values.push(a, b);
    where = `m.room_id IS NULL AND ((m.from_id = $1 AND m.to_ids[1] = $2) OR (m.from_id = $2 AND m.to_ids[1] = $1))`;
    const { rows: names } = await db.query<{ original_id: string; name: string }>(
      `SELECT i.original_id, coalesce(i.display_name, i.original_id) AS name FROM crm.identities i
       WHERE i.id_type = 'user_id' AND i.original_id = ANY($1::text[])`, [[a, b]]);
    const nameOf = (id: string) => names.find((row) => row.original_id === id)?.name ?? (id || '未知');
    conversation = { type: 'private', ids: [a, b], name: `${nameOf(a)} ↔ ${nameOf(b)}` };
  }
  const pivot = `($${values.length + 1}::timestamptz, $${values.length + 2})`;
  const newer = cursor ? { rows: [] as MessageRow[] } : await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM chat.messages m ${SENDER_JOIN}
     WHERE ${where} AND ${IS_CHAT} AND (m.msgtime, m.msgid) > ${pivot}
     ORDER BY m.msgtime, m.msgid LIMIT ${NEWER_COUNT}`, [...values, target.msgtime, target.msgid]);
  const older = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM chat.messages m ${SENDER_JOIN}
     WHERE ${where} AND ${IS_CHAT} AND (m.msgtime, m.msgid) ${cursor ? '<' : '<='} ${pivot}
     ORDER BY m.msgtime DESC, m.msgid DESC LIMIT ${limit + 1}`, [...values, cursor?.msgtime ?? target.msgtime, cursor?.msgid ?? target.msgid]);
  return {
    conversation,
    target: toMessageView(target),
    newer: newer.rows.map((row) => toMessageView(row)),
    older: toPage(older.rows, limit, (row) => toMessageView(row)),
  };
}
