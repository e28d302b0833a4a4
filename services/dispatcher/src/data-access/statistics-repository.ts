import type { Queryable } from '@doitcrm/kit';
import type { DispatchChannel } from '@doitcrm/types';

/** One Beijing day and channel: counts, and latency percentiles (ms, queued → sent) where known. */
export interface DayChannelStats {
  day: string;
  channel: DispatchChannel;
  sent: number;
  failed: number;
  retried: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

const BEIJING = 'Asia/Shanghai';
/**
 * When a Beijing day (a date parameter) starts, written into the statement rather than computed in a CTE: the planner
 * then knows the range and reads it through the created_at index, where from a CTE it guessed a share of the table.
 */
const DAY_START = (parameter: string) => `(${parameter}::date)::timestamp AT TIME ZONE '${BEIJING}'`;
/** The first day and the day after the last: the range DAY_START bounds. */
function span(days: string[]): [string, string] {
  const sorted = [...days].sort();
  const after = new Date(`${sorted[sorted.length - 1]!}T00:00:00Z`);
  after.setUTCDate(after.getUTCDate() + 1);
  return [sorted[0]!, after.toISOString().slice(0, 10)];
}

/** Days the daily roll-up has written (their traces may be gone): one row per day and channel. */
export async function rolledUpStats(db: Queryable, from: string, to: string): Promise<DayChannelStats[]> {
  const { rows } = await db.query<DayChannelStats>(
    `SELECT day::text AS day, channel, sum(sent)::int AS sent, sum(failed)::int AS failed, sum(retried)::int AS retried,
       round(sum(latency_p50_ms::numeric * sent) / nullif(sum(sent) FILTER (WHERE latency_p50_ms IS NOT NULL), 0))::int AS p50,
       round(sum(latency_p95_ms::numeric * sent) / nullif(sum(sent) FILTER (WHERE latency_p95_ms IS NOT NULL), 0))::int AS p95,
       round(sum(latency_p99_ms::numeric * sent) / nullif(sum(sent) FILTER (WHERE latency_p99_ms IS NOT NULL), 0))::int AS p99
     FROM dispatch.daily_stats WHERE day BETWEEN $1::date AND $2::date GROUP BY day, channel`, [from, to]);
  return rows;
}

/**
 * Days not rolled up yet (today, and any day the roll-up has not reached), counted live from the messages created on
 * them and the retries traced on them. Percentiles are not per day here: `liveLatency` computes them over all these
 * days at once, exactly.
 */
export async function liveStats(db: Queryable, days: string[]): Promise<DayChannelStats[]> {
  if (days.length === 0) return [];
  const { rows } = await db.query<DayChannelStats>(
    `WITH counted AS (
       SELECT (m.created_at AT TIME ZONE '${BEIJING}')::date AS day, m.channel,
         count(*) FILTER (WHERE m.status = 'sent')::int AS sent, count(*) FILTER (WHERE m.status = 'failed')::int AS failed
       FROM dispatch.messages m WHERE m.created_at >= ${DAY_START('$2')} AND m.created_at < ${DAY_START('$3')}
       GROUP BY 1, 2
     ), retried AS (
       SELECT (e.at AT TIME ZONE '${BEIJING}')::date AS day, m.channel, count(*)::int AS retried
       FROM dispatch.trace_events e JOIN dispatch.messages m ON m.id = e.message_id
       WHERE e.stage = 'retry' AND e.at >= ${DAY_START('$2')} AND e.at < ${DAY_START('$3')}
       GROUP BY 1, 2
     )
     SELECT coalesce(c.day, r.day)::text AS day, coalesce(c.channel, r.channel) AS channel, coalesce(c.sent, 0) AS sent, coalesce(c.failed, 0) AS failed,
       coalesce(r.retried, 0) AS retried, NULL::int AS p50, NULL::int AS p95, NULL::int AS p99
     FROM counted c FULL JOIN retried r ON r.day = c.day AND r.channel = c.channel
     WHERE coalesce(c.day, r.day) = ANY($1::date[])`, [days, ...span(days)]);
  return rows;
}

export async function liveLatency(db: Queryable, days: string[]): Promise<{ sent: number; p50: number | null; p95: number | null; p99: number | null }> {
  if (days.length === 0) return { sent: 0, p50: null, p95: null, p99: null };
  const { rows } = await db.query<{ sent: number; p50: number | null; p95: number | null; p99: number | null }>(
    `WITH latency AS (
       SELECT extract(epoch FROM m.sent_at - m.queued_at) * 1000 AS ms
       FROM dispatch.messages m
       WHERE m.created_at >= ${DAY_START('$2')} AND m.created_at < ${DAY_START('$3')} AND m.status = 'sent' AND m.sent_at IS NOT NULL AND m.queued_at IS NOT NULL
         AND (m.created_at AT TIME ZONE '${BEIJING}')::date = ANY($1::date[])
     )
     SELECT count(*)::int AS sent,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms))::int AS p50,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms))::int AS p95,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms))::int AS p99
     FROM latency`, [days, ...span(days)]);
  return rows[0]!;
}

/**
 * Delivered and undelivered messages per channel among those created in the Beijing days [from, to] — read live from
 * the messages (receipts arrive after the day's roll-up may have run, so the roll-up does not hold them).
 */
export async function deliveryCounts(db: Queryable, from: string, to: string): Promise<Array<{ channel: DispatchChannel; delivered: number; undelivered: number }>> {
  const { rows } = await db.query<{ channel: DispatchChannel; delivered: number; undelivered: number }>(
    `SELECT channel, count(*) FILTER (WHERE delivery_status = 'delivered')::int AS delivered, count(*) FILTER (WHERE delivery_status = 'undelivered')::int AS undelivered
     FROM dispatch.messages
     WHERE created_at >= ${DAY_START('$1')} AND created_at < ${DAY_START('$2')} AND delivery_status IN ('delivered', 'undelivered')
     GROUP BY channel`, span([from, to]));
  return rows;
}

export interface WindowCounts {
  sent1m: number;
  failed1m: number;
  sent5m: number;
  failed5m: number;
}

/** Sends and failures traced in the last minute and five minutes (the trace's stage index makes both range reads). */
export async function recentCounts(db: Queryable): Promise<WindowCounts> {
  const { rows } = await db.query<WindowCounts>(
    `SELECT count(*) FILTER (WHERE stage = 'sent' AND at >= now() - interval '1 minute')::int AS "sent1m",
       count(*) FILTER (WHERE stage = 'failed' AND at >= now() - interval '1 minute')::int AS "failed1m",
       count(*) FILTER (WHERE stage = 'sent')::int AS "sent5m",
       count(*) FILTER (WHERE stage = 'failed')::int AS "failed5m"
     FROM dispatch.trace_events WHERE stage IN ('sent', 'failed') AND at >= now() - interval '5 minutes'`);
  return rows[0]!;
}

export async function recentByChannel(db: Queryable): Promise<Array<{ channel: DispatchChannel; sent: number; failed: number }>> {
  const { rows } = await db.query<{ channel: DispatchChannel; sent: number; failed: number }>(
    `SELECT m.channel, count(*) FILTER (WHERE e.stage = 'sent')::int AS sent, count(*) FILTER (WHERE e.stage = 'failed')::int AS failed
     FROM dispatch.trace_events e JOIN dispatch.messages m ON m.id = e.message_id
     WHERE e.stage IN ('sent', 'failed') AND e.at >= now() - interval '1 minute'
     GROUP BY m.channel`);
  return rows;
}

export async function backlogByStatus(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM dispatch.messages WHERE status IN ('queued', 'retrying', 'deferred', 'pending') GROUP BY status`);
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

export async function beijingToday(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ today: string }>(`SELECT (now() AT TIME ZONE '${BEIJING}')::date::text AS today`);
  return rows[0]!.today;
}
