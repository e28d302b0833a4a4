import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { systemActor, type Pool } from '@doitcrm/kit';
import { useTestService } from '@doitcrm/kit/testing';
import { dispatcherConfigShape } from '../src/config.ts';
import { rollUpDay } from '../src/data-access/daily-stats-repository.ts';
import { createTracePartitionsAhead } from '../src/data-access/housekeeping-repository.ts';
import { DEFAULT_DISPATCH_SETTINGS } from '../src/domain/dispatch-settings.ts';
import {
  applyTraceRetention, cleanExpiredIdempotencyKeys, cleanOldAlertDeliveries, cleanOldReceipts, retryRetryableFailures, rollUpYesterday,
} from '../src/domain/housekeeping.ts';
import { alertRule, alertTemplate } from './alert-fixtures.ts';
import { createTemplate } from '../src/domain/manage-templates.ts';

const t = useTestService('dispatcher', dispatcherConfigShape);
let n = 0;

async function template(pool: Pool, channel: 'sms' | 'email'): Promise<number> {
  n += 1;
  return (await createTemplate(pool, systemActor('test'), { name: `模板-${n}-${Date.now()}`, channel, subject: channel === 'email' ? '主题' : null, body: '你好' })).id;
}

/** A message and its trace events at the given Beijing times ("2026-11-20 10:00:00.100"). */
async function message(pool: Pool, templateId: number, channel: string, events: Array<[string, string]>, columns: Record<string, unknown> = {}): Promise<number> {
  const traceId = randomUUID();
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO dispatch.messages (batch_id, trace_id, template_id, channel, recipient, status, attempts, last_error_kind, updated_at)
     VALUES ($1, $2, $3, $4, '13800000000', $5, $6, $7, $8) RETURNING id::int AS id`,
    [randomUUID(), traceId, templateId, channel, columns.status ?? 'sent', columns.attempts ?? 1, columns.lastErrorKind ?? null, columns.updatedAt ?? new Date()]);
  for (const [stage, at] of events) {
    await pool.query('INSERT INTO dispatch.trace_events (message_id, trace_id, stage, at) VALUES ($1, $2, $3, $4)', [rows[0]!.id, traceId, stage, `${at}+08`]);
  }
  return rows[0]!.id;
}

const statsOf = async (pool: Pool, day: string) => (await pool.query(
  `SELECT channel, template_id::int AS template, sent, failed, retried, deferred, fell_back, latency_p50_ms AS p50, latency_p95_ms AS p95, latency_p99_ms AS p99
   FROM dispatch.daily_stats WHERE day = $1 ORDER BY channel`, [day])).rows;

describe('dispatcher housekeeping schedules', () => {
  it('when yesterday is rolled up (twice), then daily_stats hold the hand-computed counts and percentiles per channel and template, once', async () => {
    const { pool } = t.context;
    const sms = await template(pool, 'sms');
    const email = await template(pool, 'email');
    const day = '2026-11-20';
    await message(pool, sms, 'sms', [['queued', `${day} 10:00:00`], ['sent', `${day} 10:00:00.100`]]);
    await message(pool, sms, 'sms', [['queued', `${day} 10:00:00`], ['sent', `${day} 10:00:00.300`]]);
    await message(pool, sms, 'sms', [['queued', `${day} 10:00:00`], ['retry', `${day} 10:00:01`], ['sent', `${day} 10:00:02`]]);
    await message(pool, sms, 'sms', [['queued', `${day} 10:00:00`], ['failed', `${day} 10:00:00.500`]], { status: 'failed' });
    await message(pool, sms, 'sms', [['queued', '2026-11-19 23:59:59'], ['sent', `${day} 00:00:00.500`]]);
    await message(pool, sms, 'sms', [['queued', `${day} 23:00:00`], ['failed', `${day} 23:00:01`], ['fallback', `${day} 23:00:01`]], { status: 'failed' });
    await message(pool, email, 'email', [['queued', `${day} 09:00:00`], ['deferred', `${day} 09:00:01`], ['sent', `${day} 09:00:05`]]);
    await message(pool, email, 'email', [['queued', '2026-11-21 00:00:00'], ['sent', '2026-11-21 00:00:00.100']]);
    // a row left from an earlier roll-up of a channel that no longer has events that day
    await pool.query(`INSERT INTO dispatch.daily_stats (day, channel, template_id, sent) VALUES ($1, 'feishu_bot', $2, 99)`, [day, sms]);

    const first = await rollUpYesterday(pool, new Date('2026-11-21T10:00:00+08:00'));
    const afterFirst = await statsOf(pool, day);
    await rollUpYesterday(pool, new Date('2026-11-21T23:59:00+08:00'));

    expect(first).toEqual({ day, rows: 2 });
    expect(afterFirst).toEqual([
      { channel: 'email', template: email, sent: 1, failed: 0, retried: 0, deferred: 1, fell_back: 0, p50: 5000, p95: 5000, p99: 5000 },
      // latencies 100, 300, 1500, 2000 ms: p50 = (300 + 1500) / 2; p95 = 1500 + 0.85 × 500; p99 = 1500 + 0.97 × 500
      { channel: 'sms', template: sms, sent: 4, failed: 2, retried: 1, deferred: 0, fell_back: 1, p50: 900, p95: 1925, p99: 1985 },
    ]);
    expect(await statsOf(pool, day)).toEqual(afterFirst);
  });

  it('when a day gains events after its roll-up, then rolling it up again replaces its rows', async () => {
    const { pool } = t.context;
    const sms = await template(pool, 'sms');
    const day = '2026-11-10';
    await message(pool, sms, 'sms', [['queued', `${day} 08:00:00`], ['sent', `${day} 08:00:00.200`]]);
    await rollUpDay(pool, day);
    await message(pool, sms, 'sms', [['queued', `${day} 09:00:00`], ['failed', `${day} 09:00:00.200`]], { status: 'failed' });

    await rollUpDay(pool, day);

    expect(await statsOf(pool, day)).toEqual([{ channel: 'sms', template: sms, sent: 1, failed: 1, retried: 0, deferred: 0, fell_back: 0, p50: 200, p95: 200, p99: 200 }]);
  });

  it('when retention runs, then only partitions and default-partition rows older than the retention are dropped, in batches, and the next days get partitions', async () => {
    const { pool } = t.context;
    const sms = await template(pool, 'sms');
    await createTracePartitionsAhead(pool, new Date('2026-10-05T12:00:00+08:00'), 3); // 10-06 … 10-08: expired by 10-20
    await createTracePartitionsAhead(pool, new Date('2026-10-12T12:00:00+08:00'), 2); // 10-13 (first kept), 10-14
    const expiredInPartition = await message(pool, sms, 'sms', [['queued', '2026-10-07 10:00:00']]);
    const keptInPartition = await message(pool, sms, 'sms', [['queued', '2026-10-13 00:00:00']]);
    const expiredInDefault = await Promise.all(Array.from({ length: 5 }, () => message(pool, sms, 'sms', [['queued', '2026-10-10 10:00:00'], ['sent', '2026-10-12 23:59:59.999']])));
    const keptInDefault = await message(pool, sms, 'sms', [['queued', '2026-10-18 10:00:00']]);
    const eventsOf = async (ids: number[]) => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dispatch.trace_events WHERE message_id = ANY($1)', [ids])).rows[0]!.n;

    const result = await applyTraceRetention(pool, new Date('2026-10-20T12:00:00+08:00'), 7, { batchSize: 3 });

    expect(result).toMatchObject({
      firstKept: '2026-10-13', created: ['2026-10-21', '2026-10-22', '2026-10-23'], skipped: [],
      dropped: ['trace_events_p20261006', 'trace_events_p20261007', 'trace_events_p20261008'], deletedFromDefault: 10,
    });
    expect(await eventsOf([expiredInPartition, ...expiredInDefault])).toBe(0);
    expect(await eventsOf([keptInPartition])).toBe(1);
    expect(await eventsOf([keptInDefault])).toBe(1);
    const partitions = (await pool.query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'dispatch.trace_events'::regclass ORDER BY 1`)).rows.map((r) => r.relname);
    expect(partitions).toEqual(['trace_events_default', 'trace_events_p20261013', 'trace_events_p20261014',
      'trace_events_p20261021', 'trace_events_p20261022', 'trace_events_p20261023']);
  });

  it('when the periodic retry runs, then only failed messages with a transient or rate-limited error, attempts under the cap and failed a while ago are queued again, once', async () => {
    const { pool } = t.context;
    const sms = await template(pool, 'sms');
    const longAgo = new Date(Date.now() - 3_600_000);
    const failed = (lastErrorKind: string | null, attempts: number, updatedAt = longAgo, status = 'failed') =>
      message(pool, sms, 'sms', [], { status, lastErrorKind, attempts, updatedAt });
    const transient = await failed('transient', 6);
    const rateLimited = await failed('rate_limited', 1);
    const untouched = [
      await failed('permanent', 1), await failed('transient', 12), await failed('transient', 1, new Date()),
      await failed(null, 1), await failed('transient', 1, longAgo, 'sent'),
    ];

    const queued = await retryRetryableFailures(pool, DEFAULT_DISPATCH_SETTINGS, { batchSize: 1 });
    const again = await retryRetryableFailures(pool, DEFAULT_DISPATCH_SETTINGS);

    expect([queued, again]).toEqual([2, 0]);
    const statuses = (await pool.query('SELECT id::int AS id, status FROM dispatch.messages WHERE id = ANY($1) ORDER BY id', [[transient, rateLimited, ...untouched]])).rows;
    expect(statuses).toEqual([
      { id: transient, status: 'queued' }, { id: rateLimited, status: 'queued' },
      ...untouched.map((id, i) => ({ id, status: i === 4 ? 'sent' : 'failed' })),
    ]);
    const outbox = await pool.query('SELECT message_id::int AS id, routing_key, attempt FROM dispatch.outbox WHERE message_id = ANY($1) ORDER BY message_id', [[transient, rateLimited, ...untouched]]);
    expect(outbox.rows).toEqual([{ id: transient, routing_key: 'sms.t1', attempt: 6 }, { id: rateLimited, routing_key: 'sms.t1', attempt: 1 }]);
    const traces = await pool.query(`SELECT stage, detail->>'reason' AS reason FROM dispatch.trace_events WHERE message_id = ANY($1)`, [[transient, rateLimited]]);
    expect(traces.rows).toEqual([{ stage: 'queued', reason: 'periodic_retry' }, { stage: 'queued', reason: 'periodic_retry' }]);
  });

  it('when expired Idempotency-Keys are cleaned, then only expired ones not held by a live request go', async () => {
    const { pool } = t.context;
    const owner = 900_000 + Math.floor(Math.random() * 100_000);
    const key = (name: string, state: string, expiresInS: number, lockedForS: number | null) => pool.query(
      `INSERT INTO dispatch.idempotency_keys (owner_id, key, request_method, request_path, request_hash, state, expires_at, locked_until)
       VALUES ($1, $2, 'POST', '/api/messages/send', 'h', $3, now() + make_interval(secs => $4), now() + make_interval(secs => $5))`,
      [owner, name, state, expiresInS, lockedForS]);
    await key('expired-done', 'done', -60, null);
    await key('expired-abandoned', 'in_flight', -60, -30);
    await key('expired-but-held', 'in_flight', -60, 30);
    await key('fresh', 'done', 3600, null);

    await cleanExpiredIdempotencyKeys(pool, 1);

    const left = await pool.query('SELECT key FROM dispatch.idempotency_keys WHERE owner_id = $1 ORDER BY key', [owner]);
    expect(left.rows.map((r) => r.key)).toEqual(['expired-but-held', 'fresh']);
  });

  it('when old alert deliveries are cleaned, then only those past 30 days go', async () => {
    const { pool } = t.context;
    const rule = await alertRule(pool, { templateId: await alertTemplate(pool) });
    const delivery = (alertId: number, daysAgo: number) => pool.query(
      `INSERT INTO dispatch.alert_deliveries (alert_id, rule_id, kind, severity, title, batch_id, received_at)
       VALUES ($1, $2, 'keyword', 'warning', 't', gen_random_uuid(), now() - make_interval(days => $3))`, [alertId, rule.id, daysAgo]);
    await delivery(1, 31);
    await delivery(2, 45);
    await delivery(3, 29);

    await cleanOldAlertDeliveries(pool, 1);

    const left = await pool.query('SELECT alert_id::int AS id FROM dispatch.alert_deliveries WHERE rule_id = $1', [rule.id]);
    expect(left.rows).toEqual([{ id: 3 }]);
  });

  it('when old delivery receipts are cleaned, then only settled ones past 30 days go', async () => {
    const { pool } = t.context;
    const receipt = (name: string, state: string, daysAgo: number) => pool.query(
      `INSERT INTO dispatch.delivery_receipts (provider, provider_message_id, fingerprint, delivered, detail, state, received_at)
       VALUES ('sms_tencent', $1, $1, true, '{}', $2, now() - make_interval(days => $3))`, [name, state, daysAgo]);
    await receipt('old-applied', 'applied', 31);
    await receipt('old-unknown', 'unknown', 40);
    await receipt('young-applied', 'applied', 29);

    await cleanOldReceipts(pool, 1);

    const left = await pool.query("SELECT provider_message_id AS id FROM dispatch.delivery_receipts WHERE provider_message_id IN ('old-applied', 'old-unknown', 'young-applied')");
    expect(left.rows).toEqual([{ id: 'young-applied' }]);
  });
});
