import type { Queryable } from '../db.ts';
import { uniqueSuffix } from './unique.ts';

/** One archive row as a test needs it; what it leaves out is filled in as the ETL would. */
export interface TestChatMessage {
  msgid?: string;
  from: string;
  to?: string[];
  roomId?: string | null;
  at: Date | string;
  /** 'text' unless given; 'revoke' rows are written as the recall action, like the ETL writes them */
  msgtype?: string;
  /** the msgtype's body (the ETL's payload); null for none */
  payload?: Record<string, unknown> | null;
  recalledBy?: string | null;
  /** the import run that wrote the row */
  runId?: number | null;
}

export interface ChatMessageDefaults {
  /** starts every generated msgid, so a row's origin shows in the database */
  msgidPrefix?: string;
  /** the payload of the messages that give none; `{}` unless given */
  payload?: Record<string, unknown> | null;
}

/**
 * Writes archive rows straight into chat.messages (the ETL's table; the other services only read it) in one
 * statement, and returns their msgids in order.
 */
export async function insertChatMessages(db: Queryable, messages: TestChatMessage[], defaults: ChatMessageDefaults = {}): Promise<string[]> {
  const { msgidPrefix = 'TEST', payload = {} } = defaults;
  const msgids = messages.map((message) => message.msgid ?? `${msgidPrefix}${uniqueSuffix()}`);
  const payloadOf = (message: TestChatMessage) => {
    const body = message.payload === undefined ? payload : message.payload;
    return body === null ? null : JSON.stringify(body);
  };
  await db.query(
    `INSERT INTO chat.messages (msgid, action, msgtype, msgtime, from_id, room_id, to_ids, payload, raw, recalled_by, import_run_id)
     SELECT m.msgid, CASE WHEN m.msgtype = 'revoke' THEN 'recall' ELSE 'send' END, m.msgtype, m.msgtime, m.from_id, m.room_id,
            string_to_array(m.to_ids, ','), m.payload::jsonb, '{}'::jsonb, m.recalled_by, m.run_id
     FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])
       AS m (msgid, msgtype, msgtime, from_id, room_id, to_ids, payload, recalled_by, run_id)`,
    [msgids, messages.map((m) => m.msgtype ?? 'text'), messages.map((m) => new Date(m.at)), messages.map((m) => m.from),
      messages.map((m) => m.roomId ?? null), messages.map((m) => (m.to ?? []).join(',')), messages.map(payloadOf),
      messages.map((m) => m.recalledBy ?? null), messages.map((m) => m.runId ?? null)],
  );
  return msgids;
}

/** A text message's fields: its msgtype and the payload the ETL writes for it. */
export const textMessage = (content: string) => ({ msgtype: 'text', payload: { content } });
