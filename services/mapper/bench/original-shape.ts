// The original mapper's list query (docs/original-doitcrm.md#mapper-list), kept only to measure against: the chat log in the original's
// layout (`roomid` '' for 1:1 chats) with the original's index set — from_user_id, roomid, msgtime,
// (from_user_id, msgtime), msgtype; nothing on tolist — and, per row, the user's latest group message found by
// scanning that log with `= ANY(tolist)`, plus the window and group filters as per-row EXISTS over the log.
import type pg from 'pg';

/** Copies chat.messages into `original.wecom_chat_logs` with the original's columns and indexes. */
export async function buildOriginalLog(pool: pg.Pool): Promise<void> {
  await pool.query('DROP SCHEMA IF EXISTS original CASCADE');
  await pool.query('CREATE SCHEMA original');
  await pool.query(
    `CREATE TABLE original.wecom_chat_logs AS
     SELECT msgid, action, msgtype, msgtime, from_id AS from_user_id, coalesce(room_id, '') AS roomid, to_ids AS tolist,
            payload AS content_payload
     FROM chat.messages`);
  await pool.query('ALTER TABLE original.wecom_chat_logs ADD PRIMARY KEY (msgid)');
  for (const definition of ['(from_user_id)', '(roomid)', '(msgtime)', '(from_user_id, msgtime)', '(msgtype)']) {
    await pool.query(`CREATE INDEX ON original.wecom_chat_logs ${definition}`);
  }
  await pool.query('ANALYZE original.wecom_chat_logs');
}

export interface OriginalFilter {
  /** Beijing dates, inclusive */
  from?: string;
  to?: string;
  room?: string;
}

/** The rows of one page (the ids our page returned), computed the original's way. */
export function originalUserPage(pool: pg.Pool, originalIds: readonly string[], filter: OriginalFilter): Promise<unknown> {
  const conditions = ['m.original_id = ANY($1::text[])'];
  const values: unknown[] = [originalIds];
  if (filter.from || filter.to) {
    values.push(filter.from ?? '1970-01-01', filter.to ?? '2999-12-31');
    conditions.push(`EXISTS (SELECT 1 FROM original.wecom_chat_logs c
      WHERE c.msgtime >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND c.msgtime < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND (c.from_user_id = m.original_id OR m.original_id = ANY(c.tolist)))`);
  }
  if (filter.room) {
    values.push(filter.room);
    conditions.push(`EXISTS (SELECT 1 FROM original.wecom_chat_logs c WHERE c.roomid = $${values.length}
        AND (c.from_user_id = m.original_id OR m.original_id = ANY(c.tolist)))`);
  }
  return pool.query(
    `SELECT m.original_id, m.business_name, last.roomid AS last_roomid, last.msgtime AS last_room_time
     FROM crm.identities m
     LEFT JOIN LATERAL (SELECT c.roomid, c.msgtime FROM original.wecom_chat_logs c
       WHERE c.roomid <> '' AND (c.from_user_id = m.original_id OR m.original_id = ANY(c.tolist))
       ORDER BY c.msgtime DESC LIMIT 1) last ON true
     WHERE m.id_type = 'user_id' AND ${conditions.join(' AND ')}`,
    values);
}

/** The original's room list: a room is in a window when it has a message in it. */
export function originalRoomPage(pool: pg.Pool, roomIds: readonly string[], filter: OriginalFilter): Promise<unknown> {
  const values: unknown[] = [roomIds];
  let window = '';
  if (filter.from || filter.to) {
    values.push(filter.from ?? '1970-01-01', filter.to ?? '2999-12-31');
    window = ` AND EXISTS (SELECT 1 FROM original.wecom_chat_logs c WHERE c.roomid = m.original_id
      AND c.msgtime >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AND c.msgtime < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;
  }
  return pool.query(`SELECT m.* FROM crm.identities m WHERE m.id_type = 'room_id' AND m.original_id = ANY($1::text[])${window}`, values);
}
