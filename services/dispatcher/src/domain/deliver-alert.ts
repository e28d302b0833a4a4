import { randomUUID } from 'node:crypto';
import { withTransaction, type Pool, type PoolClient } from '@doitcrm/kit';
import type { AlertRaised } from '@doitcrm/types';
import { ALERT_KIND_TITLES, ALERT_SEVERITIES, ALERT_SEVERITY_TITLES, type AlertRule, type AlertSeverity } from '../contract.ts';
import {
  classLabel, digestContents, lockOpenDigest, recentAlertCount, recordAlertDelivery, updateHeldVariables,
} from '../data-access/alert-delivery-repository.ts';
import { matchingAlertRules } from '../data-access/alert-rule-repository.ts';
import { insertMessages, type NewMessages } from '../data-access/message-repository.ts';
import type { DispatchSettings } from './dispatch-settings.ts';
import { holdFor } from './holds.ts';

export interface AlertOutcome { rules: number; sent: number; digested: number; duplicates: number }

type Variables = Record<string, string | number>;
const DIGEST_TITLES_SHOWN = 10;

const alertVariables = (alert: AlertRaised, className: string | null): Variables => ({
  title: alert.title,
  kind: ALERT_KIND_TITLES[alert.kind],
  severity: ALERT_SEVERITY_TITLES[alert.severity],
  class: className ?? '全部班级',
  evidence_url: alert.evidenceUrl ?? '',
  count: 1,
});

/** One message for a storm: how many, the worst severity, the titles (the first few), one class or "several". */
function digestVariables(alert: AlertRaised, folded: Array<{ severity: string; title: string; classLabel: string | null }>): Variables {
  const worst = folded.reduce((max, row) => Math.max(max, ALERT_SEVERITIES.indexOf(row.severity as AlertSeverity)), 0);
  const classes = new Set(folded.map((row) => row.classLabel ?? '全部班级'));
  const titles = folded.slice(0, DIGEST_TITLES_SHOWN).map((row) => row.title).join('；');
  const more = folded.length > DIGEST_TITLES_SHOWN ? ` 等 ${folded.length} 条` : '';
  return {
    title: `${folded.length} 条「${ALERT_KIND_TITLES[alert.kind]}」告警：${titles}${more}`,
    kind: ALERT_KIND_TITLES[alert.kind],
    severity: ALERT_SEVERITY_TITLES[ALERT_SEVERITIES[worst]!],
    class: classes.size === 1 ? [...classes][0]! : `${classes.size} 个班级`,
    evidence_url: alert.evidenceUrl ?? '',
    count: folded.length,
  };
}

/**
 * Sends a raised alert by every active rule it matches: one message per recipient, each rule once per alert (a
 * redelivered event finds its (alert, rule) row and writes nothing). When `digest.threshold` alerts of one rule and
 * kind have arrived within `digest.windowSeconds`, the rest of the storm is folded into one digest per recipient,
 * held until the window from its first alert ends and rewritten with every alert folded in, so a storm of any size
 * costs threshold − 1 single messages and one digest per window.
 */
export async function deliverAlert(pool: Pool, settings: () => DispatchSettings, alert: AlertRaised, now: () => Date = () => new Date()): Promise<AlertOutcome> {
  const rules = await matchingAlertRules(pool, alert);
  const outcome: AlertOutcome = { rules: rules.length, sent: 0, digested: 0, duplicates: 0 };
  if (rules.length === 0) return outcome;
  const className = await classLabel(pool, alert.classId);
  for (const rule of rules) {
    const result = await withTransaction(pool, (client) => deliverByRule(client, rule, alert, className, settings(), now()));
    outcome[result] += 1;
  }
  return outcome;
}

/**
 * The send API's hold decision for a rule's messages: its recipients' own quiet hours, else its template's, else the
 * global setting; a priority at or above the bypass goes now. A digest is held at least until its window ends, and
 * past that to the end of the quiet hours the window ends in.
 */
function alertHold(rule: AlertRule, settings: DispatchSettings, now: Date, notBefore: Date | null): NewMessages['hold'] {
  const hold = holdFor({
    channel: rule.channel, priority: rule.priority, sendAt: notBefore, now, quietHours: settings.quiet_hours, overrides: [rule.quietHours, rule.templateQuietHours],
  });
  if (!hold) return null;
  return { reason: notBefore && hold.reason === 'send_at' ? 'digest' : hold.reason, dueAt: hold.dueAt };
}

async function deliverByRule(
  client: PoolClient, rule: AlertRule, alert: AlertRaised, className: string | null, settings: DispatchSettings, now: Date,
): Promise<'sent' | 'digested' | 'duplicates'> {
  const { digest } = settings;
  // one alert of a rule at a time: the storm count and the open digest are read and written as one step
  const { rows } = await client.query('SELECT 1 FROM dispatch.alert_rules WHERE id = $1 AND active FOR UPDATE', [rule.id]);
  if (rows.length === 0) return 'duplicates';
  const delivery = { alertId: alert.alertId, ruleId: rule.id, kind: alert.kind, severity: alert.severity, title: alert.title, classLabel: className };
  const storm = digest.enabled && (await recentAlertCount(client, rule.id, alert.kind, digest.windowSeconds)) + 1 >= digest.threshold;

  if (!storm) {
    const batchId = randomUUID();
    if (!(await recordAlertDelivery(client, { ...delivery, batchId, digested: false }))) return 'duplicates';
    await insertMessages(client, batchOf(rule, alert, batchId, alertVariables(alert, className), alertHold(rule, settings, now, null)));
    return 'sent';
  }

  const openBatch = await lockOpenDigest(client, rule.id, alert.kind);
  const batchId = openBatch ?? randomUUID();
  if (!(await recordAlertDelivery(client, { ...delivery, batchId, digested: true }))) return 'duplicates';
  const variables = digestVariables(alert, await digestContents(client, batchId));
  if (openBatch) {
    await updateHeldVariables(client, batchId, variables);
  } else {
    const windowEnd = new Date(now.getTime() + digest.windowSeconds * 1000);
    await insertMessages(client, batchOf(rule, alert, batchId, variables, alertHold(rule, settings, now, windowEnd)));
  }
  return 'digested';
}

/** A rule's recipients as one batch with the same values each (held until the digest window ends when `hold` is set). */
const batchOf = (rule: AlertRule, alert: AlertRaised, batchId: string, variables: Variables, hold: NewMessages['hold']): NewMessages => ({
  batchId,
  templateId: rule.templateId,
  channel: rule.channel,
  priority: rule.priority,
  hold,
  createdBy: null,
  traceIds: rule.recipients.map(() => randomUUID()),
  recipients: rule.recipients,
  variables: rule.recipients.map(() => JSON.stringify(variables)),
  traceDetail: { alertId: alert.alertId, alertRuleId: rule.id },
});
