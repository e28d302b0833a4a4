import type { Broker, Pool, Redis } from '@doitcrm/kit';
import { DISPATCH_CHANNELS, type DispatchChannel } from '@doitcrm/types';
import type { Overview, Realtime } from '../contract.ts';
import {
  backlogByStatus, beijingToday, deliveryCounts, liveLatency, liveStats, recentByChannel, recentCounts, rolledUpStats, type DayChannelStats,
} from '../data-access/statistics-repository.ts';
import { DEAD_QUEUE, PRIORITY_TIERS, RETRY_STEPS_MS, retryQueue, sendQueue } from '../queue/topology.ts';

const rate = (sent: number, failed: number) => (sent + failed === 0 ? null : sent / (sent + failed));

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * Sent, failed, success rate and latency for a period of Beijing days (default today), per channel, and the 7-day
 * trend ending with its last day. Days the daily roll-up wrote come from dispatch.daily_stats (their traces may be
 * gone); today and any day not rolled up yet are counted live. A period of live days only has exact percentiles; one
 * mixing rolled-up days weights each day's percentile by its sends — a close estimate, not an exact percentile.
 */
export async function statisticsOverview(pool: Pool, period: { from?: string | undefined; to?: string | undefined }): Promise<Overview> {
  const today = await beijingToday(pool);
  const to = period.to ?? today;
  const from = period.from ?? to;
  const trendFrom = addDays(to, -6);
  const first = from < trendFrom ? from : trendFrom;
  const rolled = (await rolledUpStats(pool, first, to)).filter((row) => row.day < today);
  const rolledDays = new Set(rolled.map((row) => row.day));
  const liveDays = daysBetween(first, to).filter((day) => !rolledDays.has(day));
  const inPeriod = (day: string) => day >= from && day <= to;
  const [live, latency, delivery] = await Promise.all([
    liveStats(pool, liveDays), liveLatency(pool, liveDays.filter(inPeriod)), deliveryCounts(pool, from, to)]);
  const rows: DayChannelStats[] = [...rolled, ...live];
  const periodRows = rows.filter((row) => inPeriod(row.day));

  const sum = (list: DayChannelStats[], field: 'sent' | 'failed' | 'retried') => list.reduce((total, row) => total + row[field], 0);
  const sent = sum(periodRows, 'sent');
  const failed = sum(periodRows, 'failed');
  const weighted = (field: 'p50' | 'p95' | 'p99') => {
    const parts = [...periodRows.filter((row) => row[field] !== null).map((row) => ({ value: row[field]!, weight: row.sent })),
      ...(latency[field] === null ? [] : [{ value: latency[field], weight: latency.sent }])];
    const weight = parts.reduce((total, part) => total + part.weight, 0);
    return weight === 0 ? (parts[0]?.value ?? null) : Math.round(parts.reduce((total, part) => total + part.value * part.weight, 0) / weight);
  };
  const channels = DISPATCH_CHANNELS.map((channel) => {
    const of = periodRows.filter((row) => row.channel === channel);
    const receipts = delivery.find((row) => row.channel === channel);
    return {
      channel, sent: sum(of, 'sent'), failed: sum(of, 'failed'), successRate: rate(sum(of, 'sent'), sum(of, 'failed')),
      delivered: receipts?.delivered ?? 0, undelivered: receipts?.undelivered ?? 0,
    };
  });
  const trend = daysBetween(trendFrom, to).map((day) => {
    const of = rows.filter((row) => row.day === day);
    return { day, sent: sum(of, 'sent'), failed: sum(of, 'failed'), successRate: rate(sum(of, 'sent'), sum(of, 'failed')) };
  });
  return {
    from, to, sent, failed, retried: sum(periodRows, 'retried'), successRate: rate(sent, failed),
    latencyMs: { p50: weighted('p50'), p95: weighted('p95'), p99: weighted('p99') }, channels, trend,
  };
}

/** The queues topology.ts defines, for the depth gauge. */
export const MONITORED_QUEUES: ReadonlyArray<{ queue: string; channel: DispatchChannel | null; tier: number | null }> = [
  ...DISPATCH_CHANNELS.flatMap((channel) => PRIORITY_TIERS.map((tier) => ({ queue: sendQueue(channel, tier), channel, tier }))),
  ...RETRY_STEPS_MS.map((_ms, step) => ({ queue: retryQueue(step), channel: null, tier: null })),
  { queue: DEAD_QUEUE, channel: null, tier: null },
];

const WORKERS_KEY = 'dispatch:workers:';

/**
 * What every live worker instance reported last (hash `dispatch:workers:<instance>`, fields `<channel>.busy` and
 * `<channel>.capacity`, expiring 15 s after the last heartbeat, so a dead instance drops out by itself).
 */
export async function workerUtilisation(redis: Redis): Promise<Realtime['workers']> {
  // SCAN's pattern does not get ioredis's key prefix; the HGETALLs below do, so the prefix is put on and taken off
  const prefix = redis.options.keyPrefix ?? '';
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}${WORKERS_KEY}*`, 'COUNT', 200);
    keys.push(...found.map((key) => key.slice(prefix.length)));
    cursor = next;
  } while (cursor !== '0');
  const totals = new Map<DispatchChannel, { busy: number; capacity: number }>(DISPATCH_CHANNELS.map((channel) => [channel, { busy: 0, capacity: 0 }]));
  let instances = 0;
  for (const key of keys) {
    const hash = await redis.hgetall(key);
    if (Object.keys(hash).length === 0) continue;
    instances += 1;
    for (const [field, value] of Object.entries(hash)) {
      const [channel, what] = field.split('.') as [DispatchChannel, string];
      const total = totals.get(channel);
      const number = Number(value);
      if (!total || !Number.isFinite(number) || number < 0) continue;
      if (what === 'busy') total.busy += number;
      else if (what === 'capacity') total.capacity += number;
    }
  }
  const channels = [...totals].map(([channel, total]) => ({ channel, ...total }));
  const busy = channels.reduce((sum, channel) => sum + channel.busy, 0);
  const capacity = channels.reduce((sum, channel) => sum + channel.capacity, 0);
  return { instances, busy, capacity, utilisation: capacity === 0 ? null : Math.min(1, busy / capacity), channels };
}

async function queueDepths(broker: Broker): Promise<Realtime['queues']> {
  const depths = await broker.checkQueues(MONITORED_QUEUES.map((queue) => queue.queue)).catch(() => new Map<string, null>());
  return MONITORED_QUEUES.map((queue) => {
    const depth = depths.get(queue.queue) ?? null;
    return { ...queue, messages: depth?.messages ?? null, consumers: depth?.consumers ?? null };
  });
}

/** The last minute and five minutes, queue depths, worker utilisation and the waiting backlog: what the page polls. */
export async function statisticsRealtime(deps: { pool: Pool; redis: Redis; broker: Broker }): Promise<Realtime> {
  const [counts, byChannel, queues, workers, backlog] = await Promise.all([
    recentCounts(deps.pool), recentByChannel(deps.pool), queueDepths(deps.broker),
    // Redis away (a restart): the monitor still shows what PostgreSQL and RabbitMQ know, with no utilisation
    workerUtilisation(deps.redis).catch((): Realtime['workers'] => ({ instances: 0, busy: 0, capacity: 0, utilisation: null, channels: [] })),
    backlogByStatus(deps.pool),
  ]);
  return {
    at: new Date().toISOString(),
    lastMinute: { sent: counts.sent1m, failed: counts.failed1m, perSecond: counts.sent1m / 60, successRate: rate(counts.sent1m, counts.failed1m) },
    lastFiveMinutes: { sent: counts.sent5m, failed: counts.failed5m, perSecond: counts.sent5m / 300, successRate: rate(counts.sent5m, counts.failed5m) },
    channels: DISPATCH_CHANNELS.map((channel) => {
      const row = byChannel.find((candidate) => candidate.channel === channel);
      return { channel, sentLastMinute: row?.sent ?? 0, failedLastMinute: row?.failed ?? 0 };
    }),
    queues,
    workers,
    backlog: { queued: backlog.queued ?? 0, retrying: backlog.retrying ?? 0, deferred: backlog.deferred ?? 0, pending: backlog.pending ?? 0 },
  };
}
