import { describe, expect, it } from 'vitest';
import type { AlertRaised } from '@doitcrm/types';
import { useTestService } from '@doitcrm/kit/testing';
import { dispatcherConfigShape } from '../src/config.ts';
import type { QuietHoursOverride } from '../src/contract.ts';
import { DEFAULT_DISPATCH_SETTINGS, type DispatchSettings } from '../src/domain/dispatch-settings.ts';
import { startAlertConsumer } from '../src/entry-points/queue/alert-raised-consumer.ts';
import { alertRule, alertTemplate, buildAlert, messagesOfRule, raiseAlerts } from './alert-fixtures.ts';

// the consumer's clock: 23:00 Beijing time unless a test moves it
let clock = new Date('2026-12-07T15:00:00Z');
let settings: DispatchSettings = { ...DEFAULT_DISPATCH_SETTINGS, digest: { enabled: true, windowSeconds: 300, threshold: 3 } };
const t = useTestService('dispatcher', dispatcherConfigShape, { prepare: (context) => startAlertConsumer(context, () => settings, () => clock) });

const raise = (alerts: AlertRaised[]) => raiseAlerts(t.context, alerts);

const NIGHT: QuietHoursOverride = { enabled: true, start: '21:30', end: '08:00', bypassPriority: 9 };
const tracesOf = async (ids: number[]) => (await t.context.pool.query(
  `SELECT stage, detail->>'reason' AS reason, detail->>'dueAt' AS "dueAt" FROM dispatch.trace_events WHERE message_id = ANY($1) ORDER BY id`, [ids])).rows;
const outboxOf = async (ids: number[]) => (await t.context.pool.query('SELECT message_id FROM dispatch.outbox WHERE message_id = ANY($1)', [ids])).rows;

describe('alert.raised consumer and quiet hours', () => {
  it('when a 需关注 alert arrives at 23:00 Beijing for a rule below the bypass, then its messages wait until 08:00 with a held trace and no outbox row', async () => {
    const { pool } = t.context;
    const templateId = await alertTemplate(pool, NIGHT);
    const rule = await alertRule(pool, { templateId, kind: 'silent_parent', classId: 610_001, priority: 7, recipients: ['校长群', '教务群'] });
    clock = new Date('2026-12-07T15:00:00Z');

    await raise([buildAlert({ kind: 'silent_parent', classId: 610_001 })]);

    const rows = await messagesOfRule(pool, rule.id);
    expect(rows.map((m) => [m.status, m.due_at?.toISOString()])).toEqual([['pending', '2026-12-08T00:00:00.000Z'], ['pending', '2026-12-08T00:00:00.000Z']]);
    expect(await tracesOf(rows.map((m) => m.id))).toEqual(rows.map(() => ({ stage: 'held', reason: 'quiet_hours', dueAt: '2026-12-08T00:00:00.000Z' })));
    expect(await outboxOf(rows.map((m) => m.id))).toEqual([]);
  });

  it('when an urgent alert rule (priority at the bypass) fires at 23:00, then its message is queued now with its outbox row', async () => {
    const { pool } = t.context;
    const templateId = await alertTemplate(pool, NIGHT);
    const rule = await alertRule(pool, { templateId, kind: 'churn_risk', classId: 610_002, priority: 9 });
    clock = new Date('2026-12-07T15:00:00Z');

    await raise([buildAlert({ kind: 'churn_risk', severity: 'critical', classId: 610_002 })]);

    const rows = await messagesOfRule(pool, rule.id);
    expect(rows.map((m) => m.status)).toEqual(['queued']);
    expect(await outboxOf(rows.map((m) => m.id))).toHaveLength(1);
  });

  it('when the same rule fires at 12:00 Beijing, then nothing is held', async () => {
    const { pool } = t.context;
    const templateId = await alertTemplate(pool, NIGHT);
    const rule = await alertRule(pool, { templateId, kind: 'keyword', classId: 610_003, priority: 7 });
    clock = new Date('2026-12-07T04:00:00Z');

    await raise([buildAlert({ kind: 'keyword', classId: 610_003 })]);

    expect((await messagesOfRule(pool, rule.id)).map((m) => m.status)).toEqual(['queued']);
  });

  it('when the rule (its recipients) is never quiet over a quiet template, then the rule wins and the alert goes at 23:00', async () => {
    const { pool } = t.context;
    const templateId = await alertTemplate(pool, NIGHT);
    const rule = await alertRule(pool, { templateId, kind: 'slow_response', classId: 610_004, priority: 5, quietHours: { enabled: false } });
    clock = new Date('2026-12-07T15:00:00Z');

    await raise([buildAlert({ kind: 'slow_response', classId: 610_004 })]);

    expect((await messagesOfRule(pool, rule.id)).map((m) => m.status)).toEqual(['queued']);
  });

  it('when a storm is folded into a digest inside the quiet hours, then the digest waits for 08:00, not only for its window', async () => {
    const { pool } = t.context;
    settings = { ...settings, digest: { enabled: true, windowSeconds: 300, threshold: 2 } };
    const rule = await alertRule(pool, { templateId: await alertTemplate(pool), kind: 'keyword', classId: 610_005, priority: 7, quietHours: NIGHT });
    clock = new Date('2026-12-07T15:00:00Z');

    await raise(Array.from({ length: 4 }, () => buildAlert({ kind: 'keyword', classId: 610_005 })));

    const rows = await messagesOfRule(pool, rule.id);
    expect(rows.every((m) => m.status === 'pending' && m.due_at?.toISOString() === '2026-12-08T00:00:00.000Z')).toBe(true);
    const digest = rows.filter((m) => Number(m.variables.count) > 1);
    expect(digest).toHaveLength(1);
    expect(digest[0]!.variables.count).toBe(3);
  });
});
