import { auditAs, NotFoundError, recordAudit, withTransaction, type Actor, type Pool } from '@doitcrm/kit';
import { acknowledgeAlert, findAlert, reopenAlert, snoozeAlert, type AlertRow } from '../data-access/alert-repository.ts';

/** What a person can do to an alert: acknowledge it, put it off for some days, or make it active again. */
export type AlertStateChange = { action: 'ack' } | { action: 'snooze'; days: number } | { action: 'reopen' };

const DAY_MS = 86_400_000;

/**
 * One change of an alert's state by `actor`, written with its audit row in one transaction, so no change goes
 * unrecorded. Returns the alert as it now stands; an unknown alert is a NotFoundError.
 */
export async function changeAlertState(pool: Pool, actor: Actor, alertId: number, change: AlertStateChange): Promise<AlertRow> {
  return withTransaction(pool, async (client) => {
    const alert = await findAlert(client, alertId);
    if (!alert) throw new NotFoundError(`提醒 ${alertId} 不存在`);
    if (change.action === 'ack') await acknowledgeAlert(client, alertId, actor.userId);
    if (change.action === 'snooze') await snoozeAlert(client, alertId, new Date(Date.now() + change.days * DAY_MS), actor.userId);
    if (change.action === 'reopen') await reopenAlert(client, alertId);
    await recordAudit(client, auditAs(actor, {
      service: 'dashboard', action: `dashboard.alert.${change.action}`, targetType: 'alert', targetId: alertId,
      details: { kind: alert.kind, title: alert.title, ...(change.action === 'snooze' ? { days: change.days } : {}) },
    }));
    return (await findAlert(client, alertId))!;
  });
}
