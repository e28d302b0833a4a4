import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, waitFor } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { Overview, Realtime } from '../src/contract.ts';
import { sendQueue } from '../src/queue/topology.ts';
import { insertMessages, insertTemplate } from './monitor-fixtures.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, createDispatcherApp, { roles: ['viewer'] });
const get = (url: string) => supertest(t.app).get(url).set('Cookie', t.cookies.viewer);

function beijingDay(offsetDays = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

// this file's database holds only what beforeAll writes, so every figure below is exact
beforeAll(async () => {
  const sms = await insertTemplate(t.context.pool, 'sms');
  const email = await insertTemplate(t.context.pool, 'email');
  const seeded = await insertMessages(t.context.pool, [
    ...[100, 200, 300, 400, 500, 600, 700, 800].map((latencyMs) => ({ templateId: sms, latencyMs })),
    { templateId: sms, status: 'failed' }, { templateId: sms, status: 'failed' },
    ...[120, 120, 120].map((latencyMs) => ({ templateId: email, channel: 'email', recipient: 'a@example.com', latencyMs })),
    // three minutes old: in the last five minutes, not the last one
    { templateId: sms, latencyMs: 100, ageSeconds: 180 },
    { templateId: sms, status: 'queued' }, { templateId: sms, status: 'queued' }, { templateId: sms, status: 'deferred' },
  ]);
  await t.context.pool.query("INSERT INTO dispatch.trace_events (message_id, trace_id, stage, detail) VALUES ($1, $2, 'retry', '{}')", [seeded[8]!.id, seeded[8]!.traceId]);
  await t.context.pool.query(
    `INSERT INTO dispatch.daily_stats (day, channel, template_id, sent, failed, retried, latency_p50_ms, latency_p95_ms, latency_p99_ms)
     VALUES ($1, 'sms', $3, 100, 10, 4, 200, 900, 1500), ($2, 'email', $4, 50, 0, 0, 300, 400, 500)`,
    [beijingDay(-1), beijingDay(-3), sms, email]);
});

describe('statistics overview', () => {
  it('when today is asked for, then sends, failures, the success rate and exact latency percentiles are counted live, per channel', async () => {
    const response = await get('/api/messages/statistics/overview');

    expect(response.status).toBe(200);
    const overview = response.body as Overview;
    expect(overview).toMatchObject({ from: beijingDay(), to: beijingDay(), sent: 12, failed: 2, retried: 1, latencyMs: { p50: 250, p95: 745, p99: 789 } });
    expect(overview.successRate).toBeCloseTo(12 / 14);
    expect(overview.channels.find((channel) => channel.channel === 'sms')).toMatchObject({ sent: 9, failed: 2 });
    expect(overview.channels.find((channel) => channel.channel === 'email')).toEqual({ channel: 'email', sent: 3, failed: 0, successRate: 1, delivered: 0, undelivered: 0 });
  });

  it('when a period reaches rolled-up days, then their counts come from the daily statistics and the trend shows each of the 7 days', async () => {
    const response = await get(`/api/messages/statistics/overview?from=${beijingDay(-1)}&to=${beijingDay()}`);

    const overview = response.body as Overview;
    expect(overview).toMatchObject({ sent: 112, failed: 12, retried: 5 });
    // sent-weighted: (200 × 100 + 250 × 12) / 112
    expect(overview.latencyMs.p50).toBe(205);
    expect(overview.trend.map((day) => [day.day, day.sent, day.failed])).toEqual([
      [beijingDay(-6), 0, 0], [beijingDay(-5), 0, 0], [beijingDay(-4), 0, 0], [beijingDay(-3), 50, 0], [beijingDay(-2), 0, 0], [beijingDay(-1), 100, 10], [beijingDay(), 12, 2],
    ]);
  });

  it('when the period runs backwards or is not a date, then the 400 names the parameter', async () => {
    const backwards = await get(`/api/messages/statistics/overview?from=${beijingDay()}&to=${beijingDay(-1)}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.details).toEqual([{ field: 'from', message: 'from 须不晚于 to' }]);
    expect((await get('/api/messages/statistics/overview?to=yesterday')).body.details[0].field).toBe('to');
  });
});

describe('realtime statistics', () => {
  it('when workers report and a topology queue holds a message, then rates, queue depth, utilisation and backlog are all there for a viewer', async () => {
    await t.context.redis.hset('dispatch:workers:a', { 'sms.busy': 3, 'sms.capacity': 8 });
    await t.context.redis.hset('dispatch:workers:b', { 'sms.busy': 1, 'sms.capacity': 8, 'email.busy': 0, 'email.capacity': 4 });
    await t.context.broker.sendJob(sendQueue('sms', 1), { messageId: 1, attempt: 0 });

    const realtime = await waitFor('the queued message to be counted', async () => (await get('/api/messages/statistics/realtime')).body as Realtime,
      { until: (body) => body.queues.find((queue) => queue.queue === sendQueue('sms', 1))?.messages === 1 });

    expect(realtime.lastMinute).toMatchObject({ sent: 11, failed: 2, perSecond: 11 / 60 });
    expect(realtime.lastFiveMinutes).toMatchObject({ sent: 12, failed: 2 });
    expect(realtime.channels.find((channel) => channel.channel === 'sms')).toEqual({ channel: 'sms', sentLastMinute: 8, failedLastMinute: 2 });
    expect(realtime.workers).toMatchObject({ instances: 2, busy: 4, capacity: 20, utilisation: 0.2 });
    expect(realtime.workers.channels.find((channel) => channel.channel === 'email')).toEqual({ channel: 'email', busy: 0, capacity: 4 });
    expect(realtime.queues.find((queue) => queue.queue === sendQueue('sms', 1))).toEqual({ queue: sendQueue('sms', 1), channel: 'sms', tier: 1, messages: 1, consumers: 0 });
    expect(realtime.queues.find((queue) => queue.queue === sendQueue('email', 3))?.messages).toBeNull();
    expect(realtime.backlog).toEqual({ queued: 2, retrying: 0, deferred: 1, pending: 0 });
  });
});
