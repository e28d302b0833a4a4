import { describe, expect, it } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { dispatcherConfigShape } from '../src/config.ts';
import { listTemplates } from '../src/data-access/template-repository.ts';
import { beijingDayOf, buildDemoHistory, seedDemoHistory } from '../src/domain/demo-history.ts';
import { seedDemoTemplates } from '../src/domain/demo-templates.ts';

const t = useTestService('dispatcher', dispatcherConfigShape, { prepare: (context) => seedDemoTemplates(context.pool), timeout: 120_000 });
const count = async (sql: string, values: unknown[] = []) => (await t.context.pool.query<{ n: number }>(sql, values)).rows[0]!.n;

describe('dispatcher demo history', () => {
  it('when two starts seed an empty dispatcher at once, then a week of history, its statistics and two alert rules are written once, and never again', async () => {
    const { pool } = t.context;
    const now = new Date();

    const results = await Promise.all([seedDemoHistory(pool, { now }), seedDemoHistory(pool, { now })]);
    const again = await seedDemoHistory(pool, { now });

    const written = results.find((r) => r.messages > 0)!;
    expect(results.map((r) => r.messages).sort((a, b) => a - b)[0]).toBe(0);
    expect(again).toEqual({ messages: 0, traceEvents: 0, statsDays: 0, alertRules: 0 });
    expect(written.messages).toBeGreaterThanOrEqual(3_000);
    expect(written.messages).toBeLessThan(3_100);
    expect(await count('SELECT count(*)::int AS n FROM dispatch.messages')).toBe(written.messages);
    expect(await count('SELECT count(*)::int AS n FROM dispatch.trace_events')).toBe(written.traceEvents);
    expect(await count('SELECT count(*)::int AS n FROM dispatch.alert_rules')).toBe(2);
    // the principal's group robot waits for the morning (its own quiet hours); the Feishu group follows its template
    const quiet = await pool.query('SELECT r.name, r.quiet_hours FROM dispatch.alert_rules r ORDER BY r.id');
    expect(quiet.rows.map((r) => r.quiet_hours)).toEqual([{ enabled: true, start: '21:30', end: '08:00', bypassPriority: 9 }, null]);

    const stages = (await pool.query('SELECT DISTINCT stage FROM dispatch.trace_events ORDER BY stage')).rows.map((r) => r.stage);
    expect(stages).toEqual(['callback', 'deferred', 'failed', 'fallback', 'processing', 'queued', 'retry', 'sent']);
    expect(await count("SELECT count(*)::int AS n FROM dispatch.messages WHERE status = 'failed'")).toBeGreaterThan(30);
    expect(await count('SELECT count(*)::int AS n FROM dispatch.messages WHERE fallback_of IS NOT NULL')).toBeGreaterThan(0);
    expect(await count('SELECT count(DISTINCT channel)::int AS n FROM dispatch.messages')).toBe(7);
    // receipts as the real path leaves them: a verdict on a message only with its callback event, some 未送达
    expect(await count("SELECT count(*)::int AS n FROM dispatch.messages WHERE channel = 'sms' AND delivery_status = 'undelivered'")).toBeGreaterThan(0);
    expect(await count(`SELECT count(*)::int AS n FROM dispatch.messages m WHERE m.channel = 'sms' AND m.delivery_status IN ('delivered', 'undelivered')
      AND NOT EXISTS (SELECT 1 FROM dispatch.trace_events e WHERE e.message_id = m.id AND e.stage = 'callback')`)).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM dispatch.trace_events WHERE at > $1', [now])).toBe(0);
    // no real person: SMS goes to the demo school's 1990000xxxx numbers, e-mail to example.com
    expect(await count("SELECT count(*)::int AS n FROM dispatch.messages WHERE channel = 'sms' AND recipient !~ '^1990000[0-9]{4}$'")).toBe(0);
    expect(await count("SELECT count(*)::int AS n FROM dispatch.messages WHERE channel = 'email' AND recipient !~ '@example[.]com$'")).toBe(0);

    const days = Array.from({ length: 7 }, (_, i) => beijingDayOf(now.getTime() - (7 - i) * 86_400_000));
    const stats = (await pool.query('SELECT day::text AS day, sum(sent)::int AS sent FROM dispatch.daily_stats GROUP BY day ORDER BY day')).rows;
    expect(stats.map((r) => r.day)).toEqual(days);
    const sentEvents = await count(
      `SELECT count(*)::int AS n FROM dispatch.trace_events WHERE stage = 'sent'
       AND at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AND at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`, [days[0], days[6]]);
    expect(stats.reduce((sum, r) => sum + r.sent, 0)).toBe(sentEvents);
  });

  it('when the history is built twice for one clock, then it is the same', async () => {
    const templates = await listTemplates(t.context.pool, {});
    const now = Date.parse('2026-12-05T12:00:00+08:00');

    const first = buildDemoHistory(templates, now, 300);
    const second = buildDemoHistory(templates, now, 300);

    expect(second).toEqual(first);
    expect(first.messages.every((m) => Date.parse(m.createdAt) < now)).toBe(true);
  });
});
