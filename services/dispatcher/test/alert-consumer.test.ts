import { describe, expect, it } from 'vitest';
import { EVENTS_EXCHANGE, type AlertRaised } from '@doitcrm/types';
import { useTestService, waitFor } from '@doitcrm/kit/testing';
import { dispatcherConfigShape } from '../src/config.ts';
import { DEFAULT_DISPATCH_SETTINGS, type DispatchSettings } from '../src/domain/dispatch-settings.ts';
import { startAlertConsumer } from '../src/entry-points/queue/alert-raised-consumer.ts';
import { alertRule, alertTemplate, buildAlert, messagesOfRule, handledCount, raiseAlerts } from './alert-fixtures.ts';

let settings: DispatchSettings = { ...DEFAULT_DISPATCH_SETTINGS, digest: { enabled: true, windowSeconds: 300, threshold: 3 } };
const t = useTestService('dispatcher', dispatcherConfigShape, { prepare: (context) => startAlertConsumer(context, () => settings) });

const raise = (alerts: AlertRaised[]) => raiseAlerts(t.context, alerts);

describe('alert.raised consumer', () => {
  it('when an alert is raised, then each matching rule writes one queued message per recipient with its outbox row and trace, and other rules none', async () => {
    const { pool } = t.context;
    const templateId = await alertTemplate(pool);
    const byKind = await alertRule(pool, { templateId, kind: 'churn_risk', recipients: ['校长群', '教务群'] });
    const everyKind = await alertRule(pool, { templateId, minSeverity: 'warning' });
    const tooSevere = await alertRule(pool, { templateId, minSeverity: 'critical' });
    const otherClass = await alertRule(pool, { templateId, classId: 999_999 });
    const otherKind = await alertRule(pool, { templateId, kind: 'keyword' });
    const alert = buildAlert({ kind: 'churn_risk', severity: 'warning', classId: 424_242, title: '客户删除了老师' });

    await raise([alert]);

    const mine = await messagesOfRule(pool, byKind.id);
    expect(mine.map((m) => [m.recipient, m.status])).toEqual([['校长群', 'queued'], ['教务群', 'queued']]);
    expect(mine[0]!.variables).toEqual({
      title: '客户删除了老师', kind: '流失风险', severity: '警告', class: '班级 #424242', evidence_url: alert.evidenceUrl, count: 1,
    });
    expect(await messagesOfRule(pool, everyKind.id)).toHaveLength(1);
    for (const rule of [tooSevere, otherClass, otherKind]) expect(await messagesOfRule(pool, rule.id)).toEqual([]);
    const ids = [...mine, ...(await messagesOfRule(pool, everyKind.id))].map((m) => m.id);
    const outbox = await pool.query('SELECT routing_key FROM dispatch.outbox WHERE message_id = ANY($1)', [ids]);
    expect(outbox.rows.map((r) => r.routing_key)).toEqual(['wecom_robot.t2', 'wecom_robot.t2', 'wecom_robot.t2']);
    const traces = await pool.query(`SELECT stage, detail->>'alertId' AS alert FROM dispatch.trace_events WHERE message_id = ANY($1)`, [ids]);
    expect(traces.rows).toEqual(ids.map(() => ({ stage: 'queued', alert: String(alert.alertId) })));
  });

  it('when the same alert.raised is delivered twice, then the second writes nothing', async () => {
    const { pool, broker } = t.context;
    const rule = await alertRule(pool, { templateId: await alertTemplate(pool), kind: 'keyword' });
    const envelope = broker.createEnvelope('alert.raised', buildAlert({ kind: 'keyword' }));
    const before = await handledCount(t.context);

    await broker.publishEnvelope(broker.name(EVENTS_EXCHANGE), 'alert.raised', envelope);
    await broker.publishEnvelope(broker.name(EVENTS_EXCHANGE), 'alert.raised', envelope);
    await waitFor('both copies handled', () => handledCount(t.context), { timeoutMs: 20_000, intervalMs: 50, until: (n) => n >= before + 2 });

    expect(await messagesOfRule(pool, rule.id)).toHaveLength(1);
    const deliveries = await pool.query('SELECT count(*)::int AS n FROM dispatch.alert_deliveries WHERE rule_id = $1', [rule.id]);
    expect(deliveries.rows[0].n).toBe(1);
  });

  it('when a storm of alerts of one kind arrives within the window, then threshold − 1 go out singly and the rest fold into one held digest', async () => {
    const { pool } = t.context;
    settings = { ...settings, digest: { enabled: true, windowSeconds: 300, threshold: 3 } };
    const rule = await alertRule(pool, { templateId: await alertTemplate(pool), kind: 'slow_response', recipients: ['校长群', '教务群'] });
    const storm = Array.from({ length: 12 }, (_, i) => buildAlert({ kind: 'slow_response', severity: i === 7 ? 'critical' : 'warning', title: `回复慢 ${i}` }));

    await raise(storm);

    const rows = await messagesOfRule(pool, rule.id);
    const singles = rows.filter((m) => m.status === 'queued');
    const digest = rows.filter((m) => m.status === 'pending');
    expect(singles).toHaveLength(2 * 2);
    expect(digest.map((m) => m.recipient).sort()).toEqual(['教务群', '校长群']);
    expect(new Set(digest.map((m) => m.batch_id)).size).toBe(1);
    expect(digest[0]!.variables).toMatchObject({ count: 10, severity: '严重', kind: '回复慢' });
    expect(String(digest[0]!.variables.title)).toMatch(/^10 条「回复慢」告警：/);
    const dueInSeconds = (digest[0]!.due_at!.getTime() - Date.now()) / 1000;
    expect(dueInSeconds).toBeGreaterThan(250);
    expect(dueInSeconds).toBeLessThanOrEqual(300);
    const held = await pool.query(`SELECT stage, detail->>'reason' AS reason FROM dispatch.trace_events WHERE message_id = ANY($1)`, [digest.map((m) => m.id)]);
    expect(held.rows).toEqual([{ stage: 'held', reason: 'digest' }, { stage: 'held', reason: 'digest' }]);
  });

  it('when a held digest was released and the storm goes on, then the next alert opens a new digest instead of changing the sent one', async () => {
    const { pool } = t.context;
    settings = { ...settings, digest: { enabled: true, windowSeconds: 300, threshold: 2 } };
    const rule = await alertRule(pool, { templateId: await alertTemplate(pool), kind: 'keyword', classId: 555_001 });
    await raise([buildAlert({ kind: 'keyword', classId: 555_001 }), buildAlert({ kind: 'keyword', classId: 555_001 }), buildAlert({ kind: 'keyword', classId: 555_001 })]);
    const [first] = (await messagesOfRule(pool, rule.id)).filter((m) => m.status === 'pending');
    // what the due_at poller does when the window ends
    await pool.query("UPDATE dispatch.messages SET status = 'queued' WHERE id = $1", [first!.id]);

    await raise([buildAlert({ kind: 'keyword', classId: 555_001, title: '风暴继续' })]);

    const rows = await messagesOfRule(pool, rule.id);
    expect(rows.map((m) => m.status)).toEqual(['queued', 'queued', 'pending']);
    expect(rows[1]!.variables.count).toBe(2);
    expect(rows[2]!.batch_id).not.toBe(first!.batch_id);
    expect(rows[2]!.variables).toMatchObject({ count: 1, title: '1 条「关键词」告警：风暴继续' });
  });

  it('when the digest is turned off, then every alert of a storm goes out on its own', async () => {
    const { pool } = t.context;
    settings = { ...settings, digest: { enabled: false, windowSeconds: 300, threshold: 2 } };
    const rule = await alertRule(pool, { templateId: await alertTemplate(pool), kind: 'silent_parent', classId: 777_001 });

    await raise(Array.from({ length: 5 }, () => buildAlert({ kind: 'silent_parent', classId: 777_001 })));

    const rows = await messagesOfRule(pool, rule.id);
    expect(rows.map((m) => m.status)).toEqual(['queued', 'queued', 'queued', 'queued', 'queued']);
  });
});
