import { auditAs, ConflictError, NotFoundError, recordAudit, ValidationError, withTransaction, type Actor, type Pool, type Queryable } from '@doitcrm/kit';
import { ALERT_TEMPLATE_VARIABLES, type AlertRule, type AlertRuleBody } from '../contract.ts';
import { deleteAlertRule, findAlertRule, insertAlertRule, setAlertRuleQuietHours, updateAlertRule } from '../data-access/alert-rule-repository.ts';
import { findTemplate } from '../data-access/template-repository.ts';

/**
 * A rule's template is rendered with an alert's values only: one needing any other variable could never be sent,
 * so it is refused when the rule is written rather than failing at the first alert.
 */
async function checkTemplate(db: Queryable, templateId: number): Promise<void> {
  const template = await findTemplate(db, templateId);
  if (!template) throw new ValidationError(`模板 ${templateId} 不存在`, [{ field: 'templateId', message: '模板不存在' }]);
  if (!template.active) throw new ValidationError(`模板「${template.name}」已停用`, [{ field: 'templateId', message: '模板已停用' }]);
  const unknown = template.variables.filter((name) => !(ALERT_TEMPLATE_VARIABLES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new ValidationError(`模板「${template.name}」用到告警没有的变量：${unknown.join('、')}（可用：${ALERT_TEMPLATE_VARIABLES.join('、')}）`,
      [{ field: 'templateId', message: `告警没有变量 ${unknown.join('、')}` }]);
  }
}

const auditDetails = (rule: AlertRule) => ({
  name: rule.name, kind: rule.kind, minSeverity: rule.minSeverity, classId: rule.classId, templateId: rule.templateId,
  recipients: rule.recipients, priority: rule.priority, active: rule.active, quietHours: rule.quietHours,
});

async function loadOrFail(db: Queryable, id: number, options: { forUpdate?: boolean } = {}): Promise<AlertRule> {
  const rule = await findAlertRule(db, id, options);
  if (!rule) throw new NotFoundError(`告警规则 ${id} 不存在`);
  return rule;
}

async function refusingDuplicateName<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new ConflictError(`已有名为「${name}」的告警规则`, [{ field: 'name', message: '名称已被使用' }]);
    throw error;
  }
}

export async function createAlertRule(pool: Pool, actor: Actor, body: AlertRuleBody): Promise<AlertRule> {
  return refusingDuplicateName(body.name, () => withTransaction(pool, async (client) => {
    await checkTemplate(client, body.templateId);
    const id = await insertAlertRule(client, body, actor.userId);
    await setAlertRuleQuietHours(client, id, body.quietHours ?? null);
    const created = await loadOrFail(client, id);
    await recordAudit(client, auditAs(actor, { service: 'dispatcher', action: 'dispatcher.alert-rule.create', targetType: 'alert_rule', targetId: id, details: auditDetails(created) }));
    return created;
  }));
}

export async function changeAlertRule(pool: Pool, actor: Actor, id: number, body: AlertRuleBody): Promise<AlertRule> {
  return refusingDuplicateName(body.name, () => withTransaction(pool, async (client) => {
    const before = await loadOrFail(client, id, { forUpdate: true });
    await checkTemplate(client, body.templateId);
    await updateAlertRule(client, id, body, actor.userId);
    if (body.quietHours !== undefined) await setAlertRuleQuietHours(client, id, body.quietHours);
    const after = await loadOrFail(client, id);
    await recordAudit(client, auditAs(actor, {
      service: 'dispatcher', action: 'dispatcher.alert-rule.update', targetType: 'alert_rule', targetId: id,
      details: { before: auditDetails(before), after: auditDetails(after) },
    }));
    return after;
  }));
}

export async function removeAlertRule(pool: Pool, actor: Actor, id: number): Promise<void> {
  await withTransaction(pool, async (client) => {
    const rule = await loadOrFail(client, id, { forUpdate: true });
    await deleteAlertRule(client, id);
    await recordAudit(client, auditAs(actor, { service: 'dispatcher', action: 'dispatcher.alert-rule.delete', targetType: 'alert_rule', targetId: id, details: auditDetails(rule) }));
  });
}

export { loadOrFail as readAlertRule };
