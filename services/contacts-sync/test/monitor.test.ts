import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createContactsSyncApp } from '../src/app.ts';
import { contactsSyncConfigShape } from '../src/config.ts';

const t = useTestApp('contacts-sync', contactsSyncConfigShape, (context) => createContactsSyncApp(context, null), { roles: ['viewer'] });
const get = (path: string) => supertest(t.app).get(`/api/v1/wecom/monitor/${path}`).set('Cookie', t.cookies.viewer);
const rows = async (sql: string, values: unknown[] = []) => (await t.context.pool.query(sql, values)).rows;

/** Seeds today's and two earlier Beijing days' figures; the last good run ended `hoursAgo` hours ago. */
async function seedDays(today: { runs: number; failed: number; received: number; applyErrors: number; hoursAgo: number }) {
  await t.context.pool.query('DELETE FROM contacts.daily_metrics');
  await t.context.pool.query(
    `INSERT INTO contacts.daily_metrics (day, runs, failed_runs, wecom_calls, callbacks_received, callbacks_refused, callbacks_applied, callback_errors,
       apply_delay_seconds_sum, apply_delay_seconds_max, last_success_at)
     VALUES ((now() AT TIME ZONE 'Asia/Shanghai')::date, $1, $2, 100, $3::int, 2, $3::int, $4, $3::int * 0.5, 1.5, now() - make_interval(secs => $5::float8 * 3600)),
            ((now() AT TIME ZONE 'Asia/Shanghai')::date - 2, 0, 0, 40, 0, 1, 0, 0, 0, 0, NULL),
            ((now() AT TIME ZONE 'Asia/Shanghai')::date - 40, 50, 50, 0, 0, 0, 0, 0, 0, 0, NULL)`,
    [today.runs, today.failed, today.received, today.applyErrors, today.hoursAgo],
  );
}

describe('sync monitor', () => {
  it('when the health is read, then each part shows its inputs and the score is their sum (old days outside the 7-day window ignored)', async () => {
    // half the runs failed (20 of 40), no callback stuck (20 of 20), 11 errors over 20 operations (9 of 20), 3 h since the last good run (1 h over: 19.2 of 20)
    await seedDays({ runs: 10, failed: 5, received: 10, applyErrors: 6, hoursAgo: 3 });

    const response = await get('health');

    expect(response.status).toBe(200);
    expect(response.body.parts.successRate).toMatchObject({ points: 20, weight: 40, inputs: { runs: 10, failedRuns: 5 } });
    expect(response.body.parts.consistency).toMatchObject({ points: 20, inputs: { callbacksReceived: 10, stuckUnapplied: 0 } });
    expect(response.body.parts.errorRate).toMatchObject({ points: 9, inputs: { failedRuns: 5, applyErrors: 6, operations: 20 } });
    expect(response.body.parts.delay.points).toBeCloseTo(19.2, 1);
    expect(response.body.parts.delay.inputs.hoursSinceSuccess).toBeCloseTo(3, 1);
    expect(response.body).toMatchObject({ score: 68, status: 'degraded', windowDays: 7 });
  });

  it('when the metrics of 3 days are asked for, then every day is listed oldest first, quiet days as zeros, with totals', async () => {
    await seedDays({ runs: 10, failed: 5, received: 10, applyErrors: 6, hoursAgo: 3 });

    const response = await get('metrics?days=3');
    const tooMany = await get('metrics?days=31');

    expect(response.status).toBe(200);
    expect(response.body.series).toHaveLength(3);
    expect(response.body.series.map((d: { runs: number; wecomCalls: number }) => [d.runs, d.wecomCalls])).toEqual([[0, 40], [0, 0], [10, 100]]);
    expect(response.body.series[2]).toMatchObject({ errors: 11, callbacksReceived: 10, callbacksApplied: 10, callbacksRefused: 2, avgApplyDelaySeconds: 0.5, maxApplyDelaySeconds: 1.5 });
    expect(response.body.totals).toMatchObject({ runs: 10, wecomCalls: 140, callbacksRefused: 3, errors: 11 });
    expect(tooMany.status).toBe(400);
  });

  it('when the rules are broken, then the alerts name them and each is published once as alert.raised however often they are read', async () => {
    await t.context.pool.query('DELETE FROM contacts.health_alerts');
    await t.context.pool.query("DELETE FROM ops.outbox WHERE routing_key = 'alert.raised'");
    // every run failed: success 0, so the score drops under 60 too
    await seedDays({ runs: 10, failed: 10, received: 10, applyErrors: 6, hoursAgo: 3 });

    const first = await get('alerts');
    const second = await get('alerts');
    const published = await rows("SELECT envelope->'payload' AS p FROM ops.outbox WHERE routing_key = 'alert.raised' ORDER BY envelope->'payload'->>'alertId'");

    expect(first.status).toBe(200);
    expect(first.body.score).toBeLessThan(60);
    expect(first.body.alerts.map((a: { kind: string; severity: string; raised: boolean }) => [a.kind, a.severity, a.raised]))
      .toEqual([['score', 'critical', true], ['errors', 'warning', true], ['delay', 'warning', true]]);
    expect(second.body.alerts.map((a: { raised: boolean }) => a.raised)).toEqual([false, false, false]);
    expect(published.map((r) => [r.p.kind, r.p.severity])).toEqual([['sync_health', 'critical'], ['sync_health', 'warning'], ['sync_health', 'warning']]);
  });

  it('when all is well, then no alert is in force', async () => {
    await seedDays({ runs: 10, failed: 0, received: 10, applyErrors: 0, hoursAgo: 0.5 });

    const health = await get('health');
    const alerts = await get('alerts');

    expect(health.body).toMatchObject({ score: 100, status: 'healthy' });
    expect(alerts.body.alerts).toEqual([]);
  });
});
