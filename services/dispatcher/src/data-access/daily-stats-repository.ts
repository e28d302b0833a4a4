import type { Queryable } from '@doitcrm/kit';

const BEIJING = 'Asia/Shanghai';

/** The Beijing day before the one `at` falls in, as YYYY-MM-DD. */
export async function beijingYesterday(db: Queryable, at: Date): Promise<string> {
  const { rows } = await db.query<{ day: string }>(`SELECT (($1::timestamptz AT TIME ZONE '${BEIJING}')::date - 1)::text AS day`, [at]);
  return rows[0]!.day;
}

/**
 * Replaces one Beijing day's rows of dispatch.daily_stats with what that day's trace events say, per channel and
 * template: sent / failed / retry / deferred / fallback events counted, latency from a message's first `queued` event
 * to its `sent` event (so back-off and holds released into the queue count, as the recipient waited through them).
 * Run again, it writes the same rows: the day's old rows go first, in the caller's transaction.
 */
export async function rollUpDay(db: Queryable, day: string): Promise<number> {
  await db.query('DELETE FROM dispatch.daily_stats WHERE day = $1::date', [day]);
  const { rowCount } = await db.query(
    `WITH bounds AS (
       SELECT ($1::date)::timestamp AT TIME ZONE '${BEIJING}' AS from_at, ($1::date + 1)::timestamp AT TIME ZONE '${BEIJING}' AS to_at
     ), events AS (
       SELECT e.message_id, e.stage, e.at FROM dispatch.trace_events e, bounds b
       WHERE e.at >= b.from_at AND e.at < b.to_at AND e.stage IN ('sent', 'failed', 'retry', 'deferred', 'fallback')
     )
     INSERT INTO dispatch.daily_stats (day, channel, template_id, sent, failed, retried, deferred, fell_back, latency_p50_ms, latency_p95_ms, latency_p99_ms)
     SELECT $1::date, m.channel, m.template_id,
            count(*) FILTER (WHERE ev.stage = 'sent'), count(*) FILTER (WHERE ev.stage = 'failed'),
            count(*) FILTER (WHERE ev.stage = 'retry'), count(*) FILTER (WHERE ev.stage = 'deferred'),
            count(*) FILTER (WHERE ev.stage = 'fallback'),
            round(percentile_cont(0.5) WITHIN GROUP (ORDER BY lat.ms))::int,
            round(percentile_cont(0.95) WITHIN GROUP (ORDER BY lat.ms))::int,
            round(percentile_cont(0.99) WITHIN GROUP (ORDER BY lat.ms))::int
     FROM events ev
     JOIN dispatch.messages m ON m.id = ev.message_id
     LEFT JOIN LATERAL (
       SELECT extract(epoch FROM ev.at - min(q.at)) * 1000 AS ms FROM dispatch.trace_events q
       WHERE ev.stage = 'sent' AND q.message_id = ev.message_id AND q.stage = 'queued' AND q.at <= ev.at
     ) lat ON true
     GROUP BY m.channel, m.template_id`,
    [day]);
  return rowCount ?? 0;
}
