import type { MessageView, PersonRole } from '../contract.ts';
import { renderMessage } from '../domain/render-message.ts';

// An unmapped parent is a sender who is not staff (by role or id kind) and not mapped; `is_mapped` and
// `display_name` are the database's one definition (db/migrations/1764000018000_identity-display-name-and-mapped.sql).
export const UNMAPPED_PARENT_SENDER = `(s.id IS NULL OR (s.id_kind NOT IN ('staff', 'bot')
  AND (s.user_role IS NULL OR s.user_role = 'parent') AND NOT s.is_mapped))`;

/**
 * The same rule as a filter on `m.from_id` for walking a busy group: the complement (staff, bots, mapped people) is
 * one small hashed set, instead of a join and a sub-query per row walked.
 */
export const FROM_UNMAPPED_PARENT = `m.from_id NOT IN (SELECT s.original_id FROM crm.user_identities s
  WHERE (s.id_kind IN ('staff', 'bot') OR s.user_role IN ('teacher', 'head_teacher', 'advisor') OR s.is_mapped))`;

/** Columns of a message with its sender, from `chat.messages m` joined by SENDER_JOIN. */
export const MESSAGE_COLUMNS = `m.msgid, m.msgtime, m.msgtype, m.room_id, m.from_id, m.payload, m.recalled_by IS NOT NULL AS recalled,
  coalesce(s.display_name, m.from_id, '') AS sender_name, s.user_role AS sender_role,
  ${UNMAPPED_PARENT_SENDER} AS unmapped_parent`;
export const SENDER_JOIN = `LEFT JOIN crm.user_identities s ON s.original_id = m.from_id`;

/** Rows that are chat messages: a `switch` record marks a member changing corp, not something anyone said. */
export const IS_CHAT = `m.action <> 'switch'`;

export interface MessageRow {
  msgid: string;
  msgtime: Date;
  msgtype: string;
  room_id: string | null;
  from_id: string | null;
  payload: Record<string, unknown> | null;
  recalled: boolean;
  sender_name: string;
  sender_role: PersonRole | null;
  unmapped_parent: boolean;
}

export function toMessageView(row: MessageRow, viewer?: string): MessageView {
  const view: MessageView = {
    msgid: row.msgid,
    msgtime: row.msgtime.toISOString(),
    msgtype: row.msgtype,
    roomId: row.room_id,
    fromId: row.from_id,
    senderName: row.sender_name,
    senderRole: row.sender_role,
    unmappedParent: row.unmapped_parent,
    content: renderMessage(row.msgtype, row.payload, row.recalled),
  };
  if (viewer !== undefined) {
    view.direction = row.from_id === viewer ? 'sent' : 'received';
    if (row.room_id !== null) view.isContext = row.from_id !== viewer;
  }
  return view;
}

/** `(msgtime, msgid) < cursor` as SQL, when there is a cursor; `param` adds a value and returns its placeholder. */
export function beforeCursor(cursor: { msgtime: string; msgid: string } | null, param: (value: unknown) => string): string {
  if (!cursor) return 'true';
  return `(m.msgtime, m.msgid) < (${param(cursor.msgtime)}::timestamptz, ${param(cursor.msgid)})`;
}

/** Collects parameter values and hands out their placeholders, so SQL text never contains input. */
export function sqlParams(first: unknown[] = []) {
  const values: unknown[] = [...first];
  return {
    values,
    param(value: unknown): string {
      values.push(value);
      return `$${values.length}`;
    },
  };
}
