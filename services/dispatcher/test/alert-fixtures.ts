import { enqueueEvent, systemActor, type Pool, type ServiceContext } from '@doitcrm/kit';
import { waitFor } from '@doitcrm/kit/testing';
import type { AlertRaised } from '@doitcrm/types';
import type { AlertRuleBody, QuietHoursOverride } from '../src/contract.ts';
import { createAlertRule } from '../src/domain/manage-alert-rules.ts';
import { createTemplate } from '../src/domain/manage-templates.ts';

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
let alertId = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);

/** A robot template using every alert variable (with its own quiet hours when given). */
export async function alertTemplate(pool: Pool, quietHours: QuietHoursOverride = null): Promise<number> {
  const template = await createTemplate(pool, systemActor('test'), {
    name: unique('告警模板'), channel: 'wecom_robot', quietHours,
    body: '**{{title}}**\n> {{kind}} {{severity}} {{class}} 共 {{count}} 条\n> {{evidence_url}}',
  });
  return template.id;
}

export async function alertRule(pool: Pool, rule: Partial<AlertRuleBody> & Pick<AlertRuleBody, 'templateId'>) {
  return createAlertRule(pool, systemActor('test'), {
    name: unique('规则'), kind: null, minSeverity: 'warning', classId: null, recipients: ['校长群'], priority: 7, active: true, ...rule,
  });
}

export const buildAlert = (overrides: Partial<AlertRaised> = {}): AlertRaised => ({
  alertId: ++alertId, kind: 'silent_parent', severity: 'warning', classId: null, title: `三年级1班 ${alertId} 位家长沉默`,
  evidenceUrl: `/?room=r${alertId}`, ...overrides,
});

export interface MessageRow { id: number; batch_id: string; recipient: string; status: string; variables: Record<string, unknown>; due_at: Date | null }

export async function messagesOfRule(pool: Pool, ruleId: number): Promise<MessageRow[]> {
  const { rows } = await pool.query<MessageRow>(
    `SELECT m.id::int AS id, m.batch_id, m.recipient, m.status, m.variables, m.due_at FROM dispatch.messages m
     WHERE m.batch_id IN (SELECT batch_id FROM dispatch.alert_deliveries WHERE rule_id = $1) ORDER BY m.id`, [ruleId]);
  return rows;
}

/** How many alert.raised messages the consumer has acknowledged so far. */
export async function handledCount(context: ServiceContext): Promise<number> {
  const metric = await context.metrics.queueMessages.get();
  return metric.values.filter((v) => v.labels.queue === 'dispatcher.alert-raised' && v.labels.outcome === 'acked').reduce((sum, v) => sum + v.value, 0);
}

/** Publishes through the outbox as the dashboard does, and waits until the consumer has acknowledged that many more. */
export async function raiseAlerts(context: ServiceContext, alerts: AlertRaised[]): Promise<void> {
  const before = await handledCount(context);
  for (const alert of alerts) await enqueueEvent(context.pool, 'alert.raised', alert);
  await context.outbox.flush();
  await waitFor('the alerts handled', () => handledCount(context), { timeoutMs: 20_000, intervalMs: 50, until: (n) => n >= before + alerts.length });
}
