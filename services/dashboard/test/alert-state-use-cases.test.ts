import { describe, expect, it } from 'vitest';
import { NotFoundError, systemActor, type Actor } from '@doitcrm/kit';
import { createTestUser, useTestService } from '@doitcrm/kit/testing';
import { dashboardConfigShape } from '../src/config.ts';
import { readSettings } from '../src/data-access/settings-repository.ts';
import { changeAlertState } from '../src/domain/change-alert-state.ts';
import { evaluateAlerts } from '../src/domain/evaluate-alerts.ts';
import { refreshRollups } from '../src/domain/refresh-rollups.ts';
import { updateSettings } from '../src/domain/update-settings.ts';
import { createClass, daysAgo, insertMessages } from './fixtures.ts';

const t = useTestService('dashboard', dashboardConfigShape);
const timezone = 'Asia/Shanghai';

/** A staff member acting from a known address and browser, as a route would build from its request. */
async function staffActor(role: 'staff' | 'admin' = 'staff'): Promise<Actor> {
  const user = await createTestUser(t.context, role);
  return { userId: user.id, username: user.username, role, ip: '203.0.113.9', userAgent: 'use-case-test' };
}

/** A churn alert of a class of its own (a 休学 student whose parent still wrote). */
async function churnAlertId(): Promise<number> {
  const { pool } = t.context;
  const cls = await createClass(pool, ['休学']);
  await insertMessages(pool, [{ from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(3) }]);
  await refreshRollups(pool, { full: true }, { timezone });
  await evaluateAlerts(pool, { timezone });
  const { rows: [alert] } = await pool.query<{ id: number }>("SELECT id FROM dashboard.alerts WHERE class_id = $1 AND kind = 'churn_risk'", [cls.classId]);
  return alert!.id;
}

async function auditRows(action: string, targetId: number) {
  const { rows } = await t.context.pool.query(
    'SELECT user_id, username, ip, user_agent, details FROM auth.audit_log WHERE action = $1 AND target_id = $2', [action, String(targetId)]);
  return rows;
}

describe('alert state use cases', () => {
  it('when a staff member snoozes an alert for 3 days, then it is snoozed by them until then and the audit row names them, where from, and the days', async () => {
    const actor = await staffActor();
    const id = await churnAlertId();

    const alert = await changeAlertState(t.context.pool, actor, id, { action: 'snooze', days: 3 });

    expect(alert.state).toBe('snoozed');
    expect(new Date(alert.snoozedUntil!).getTime() - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000);
    const { rows: [row] } = await t.context.pool.query('SELECT snoozed_by FROM dashboard.alerts WHERE id = $1', [id]);
    expect(row.snoozed_by).toBe(actor.userId);
    expect(await auditRows('dashboard.alert.snooze', id)).toEqual([{
      user_id: actor.userId, username: actor.username, ip: '203.0.113.9', user_agent: 'use-case-test',
      details: { kind: 'churn_risk', title: alert.title, days: 3 },
    }]);
  });

  it('when an alert is acknowledged and then reopened, then it is open again and both changes are audited', async () => {
    const actor = await staffActor();
    const id = await churnAlertId();

    const acknowledged = await changeAlertState(t.context.pool, actor, id, { action: 'ack' });
    const reopened = await changeAlertState(t.context.pool, actor, id, { action: 'reopen' });

    expect(acknowledged.state).toBe('acknowledged');
    expect(reopened.state).toBe('open');
    expect(reopened.ackedAt).toBeNull();
    expect(await auditRows('dashboard.alert.ack', id)).toHaveLength(1);
    expect(await auditRows('dashboard.alert.reopen', id)).toHaveLength(1);
  });

  it('when the alert does not exist, then the change is refused as not found and nothing is audited', async () => {
    const missing = 2_000_000_000;

    await expect(changeAlertState(t.context.pool, systemActor('test'), missing, { action: 'ack' })).rejects.toBeInstanceOf(NotFoundError);

    expect(await auditRows('dashboard.alert.ack', missing)).toEqual([]);
  });

  it('when an admin saves keywords with a repeat, then each is saved once and the audit row holds before and after under their name', async () => {
    const actor = await staffActor('admin');
    const before = await readSettings(t.context.pool);
    const { updatedAt: _ignored, ...change } = before;

    const after = await updateSettings(t.context.pool, actor, { ...change, keywords: ['退费', '退费', '投诉'] }, { timezone });

    expect(after.keywords).toEqual(['退费', '投诉']);
    const { rows } = await t.context.pool.query(
      "SELECT username, ip, details FROM auth.audit_log WHERE action = 'dashboard.settings.update' AND user_id = $1", [actor.userId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ username: actor.username, ip: '203.0.113.9', details: { before: { keywords: before.keywords }, after: { keywords: ['退费', '投诉'] } } });
  });
});
