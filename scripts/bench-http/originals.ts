// The original DoitCRM's query for a call (docs/original-doitcrm.md), run on the same database as ours: the shapes
// the services' own benches measure (services/messages/bench/bench-cases.ts, services/mapper/bench/original-shape.ts,
// services/dashboard/bench/original-queries.ts), on chat.messages as it is — its indexes are not dropped, because that
// locks the table every other reader of a shared database waits on; none of the rewrite's indexes serves these shapes
// (`x = ANY(to_ids)`, `to_ids[1]`, `LIKE '%…%'` on the payload), bar the group page's (room, time), which only helps them.
import type pg from 'pg';
import { ORIGINAL_ALERTS_SQL, ORIGINAL_CLASS_STATS_SQL } from '../../services/dashboard/bench/original-queries.ts';
import type { OriginalTime } from './report.ts';

export interface OriginalQuery { sql: string; params: unknown[] }

/** docs/original-doitcrm.md#message-selection: U's group messages and 1:1 sent by U or to U first, all of the window at once */
export const originalPersonWindow = (userId: string, start: Date, end: Date): OriginalQuery => ({
  sql: `SELECT msgid, msgtime, msgtype, from_id, room_id, to_ids, payload FROM chat.messages
    WHERE msgtime BETWEEN $2 AND $3 AND ((room_id IS NOT NULL AND from_id = $1) OR (room_id IS NULL AND (from_id = $1 OR to_ids[1] = $1)))
    ORDER BY msgtime DESC`,
  params: [userId, start, end],
});

/** a group's page by OFFSET, and its count, as the original paged */
export const originalGroupPage = (roomId: string, offset: number): OriginalQuery => ({
  sql: `SELECT *, (SELECT count(*) FROM chat.messages WHERE room_id = $1) AS total FROM chat.messages
    WHERE room_id = $1 ORDER BY msgtime DESC LIMIT 50 OFFSET $2`,
  params: [roomId, offset],
});

/** a search with no index: LIKE over the payload, newest first (what services/messages/bench anchors search on) */
export const originalSearch = (term: string, roomId?: string): OriginalQuery => ({
  sql: `SELECT msgid FROM chat.messages m WHERE (m.payload->>'content') LIKE $1 ${roomId ? 'AND m.room_id = $2' : ''}
    ORDER BY m.msgtime DESC, m.msgid DESC LIMIT 30`,
  params: roomId ? [`%${term}%`, roomId] : [`%${term}%`],
});

/** docs/original-doitcrm.md#mapper-list: per listed user, their latest group found by scanning the log on ANY(tolist) */
export const originalMapperUsers = (originalIds: readonly string[]): OriginalQuery => ({
  sql: `SELECT m.original_id, m.business_name, last.room_id AS last_roomid, last.msgtime AS last_room_time
    FROM crm.identities m
    LEFT JOIN LATERAL (SELECT c.room_id, c.msgtime FROM chat.messages c
      WHERE c.room_id IS NOT NULL AND (c.from_id = m.original_id OR m.original_id = ANY(c.to_ids))
      ORDER BY c.msgtime DESC LIMIT 1) last ON true
    WHERE m.id_type = 'user_id' AND m.original_id = ANY($1::text[])`,
  params: [originalIds],
});

export const originalClassList = (): OriginalQuery => ({ sql: ORIGINAL_CLASS_STATS_SQL, params: [] });
export const originalAlerts = (): OriginalQuery => ({ sql: ORIGINAL_ALERTS_SQL, params: [] });

/**
 * The original query's time: one run, and when that took under a second two more (the median of three); a run past
 * `timeoutMs` is cut off (the original had no limit at all) and reported as such.
 */
export async function timeOriginal(pool: pg.Pool, query: OriginalQuery, timeoutMs: number): Promise<OriginalTime> {
  const client = await pool.connect();
  try {
    await client.query(`SET statement_timeout = ${Math.round(timeoutMs)}`);
    const times: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      const started = performance.now();
      await client.query(query.sql, query.params);
      times.push(performance.now() - started);
      if (times[0]! >= 1000) break;
    }
    return { ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)]! };
  } catch (error) {
    // 57014 is query_canceled, what statement_timeout raises; any other failure is the bench's own and must show
    if ((error as { code?: string }).code === '57014') return { cutOffMs: timeoutMs };
    throw error;
  } finally {
    await client.query('RESET statement_timeout').catch(() => {});
    client.release();
  }
}
