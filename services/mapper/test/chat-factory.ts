import type pg from 'pg';
import { uniqueSuffix } from '@doitcrm/kit/testing';

export interface TestMessage {
  msgid?: string;
  from: string;
  to: string[];
  roomId: string | null;
  at: Date;
  msgtype?: string;
  runId?: number | null;
}

/** Writes archive rows straight into chat.messages (the ETL's table; the mapper only reads it). */
export async function insertMessages(pool: pg.Pool, messages: TestMessage[]): Promise<string[]> {
  const msgids = messages.map((message) => message.msgid ?? `MAP${uniqueSuffix()}`);
  await pool.query(
    `INSERT INTO chat.messages (msgid, action, msgtype, msgtime, from_id, room_id, to_ids, payload, raw, import_run_id)
     SELECT m.msgid, 'send', m.msgtype, m.msgtime, m.from_id, m.room_id, string_to_array(m.to_ids, ','), '{}'::jsonb, '{}'::jsonb, m.run_id
     FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::bigint[])
       AS m (msgid, msgtype, msgtime, from_id, room_id, to_ids, run_id)`,
    [msgids, messages.map((m) => m.msgtype ?? 'text'), messages.map((m) => m.at), messages.map((m) => m.from),
      messages.map((m) => m.roomId), messages.map((m) => m.to.join(',')), messages.map((m) => m.runId ?? null)],
  );
  return msgids;
}

let runCounter = Math.floor(Math.random() * 1_000_000);
/** A run id of its own for each test (run ids are plain numbers to the mapper). */
export function nextRunId(): number {
  runCounter += 1;
  return runCounter;
}

/** Ids unique to one test, shaped like real ones. */
export function testIds() {
  const suffix = uniqueSuffix();
  return {
    room: `wrTEST${suffix}`,
    parent: `wmTEST${suffix}`,
    silentParent: `wmSILENT${suffix}`,
    wecomParent: `woTEST${suffix}`,
    teacher: `teacher.${suffix}`,
    bot: `wbTEST${suffix}`,
  };
}
