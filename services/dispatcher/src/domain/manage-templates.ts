import {
  auditAs, ConflictError, NotFoundError, recordAudit, ValidationError, withTransaction, type Actor, type ErrorDetail, type Pool, type Queryable,
} from '@doitcrm/kit';
import type { DispatchChannel } from '@doitcrm/types';
import type { QuietHoursOverride, Template } from '../contract.ts';
import {
  deleteTemplate as deleteRow, findTemplate, findTemplateByName, insertTemplate, isTemplateUsed, setTemplateActive, templatesFallingBackTo,
  updateTemplate as updateRow, type TemplateRow,
} from '../data-access/template-repository.ts';
import { templateVariables } from './template-text.ts';

export interface TemplateInput {
  name: string;
  channel: DispatchChannel;
  subject?: string | null | undefined;
  body: string;
  sampleVariables?: Record<string, string | number | boolean | null> | undefined;
  active?: boolean | undefined;
  fallbackTemplateId?: number | null | undefined;
  webhookUrl?: string | null | undefined;
  webhookSecretRef?: string | null | undefined;
  providerTemplate?: string | null | undefined;
  /** undefined on a change keeps the template's own; null = the global quiet_hours setting */
  quietHours?: QuietHoursOverride | undefined;
}

const fail = (field: string, message: string): never => {
  throw new ValidationError(message, [{ field, message }]);
};

/**
 * The row a template input makes, its variables derived by the parser. Refused: sample values for variables the text
 * does not use (a typo in either would otherwise pass silently), a subject-less e-mail, a webhook template without
 * its URL, and a fallback that could not be sent with this template's variables.
 */
async function rowOf(db: Queryable, input: TemplateInput, selfId: number | null): Promise<TemplateRow> {
  const subject = input.subject ?? null;
  const variables = templateVariables({ subject, body: input.body });
  const sampleVariables = Object.fromEntries(Object.entries(input.sampleVariables ?? {}).filter((entry): entry is [string, string | number | boolean] => entry[1] !== null));
  const undeclared = Object.keys(sampleVariables).filter((name) => !variables.includes(name));
  if (undeclared.length > 0) {
    throw new ValidationError(`模板中没有这些变量：${undeclared.join('、')}`, undeclared.map((name) => ({ field: `sampleVariables.${name}`, message: `模板中没有变量 ${name}` })));
  }
  if (input.channel === 'email' && !subject) fail('subject', '邮件模板需要主题');
  if (input.channel === 'app_webhook' && !input.webhookUrl) fail('webhookUrl', 'APP 推送模板需要 Webhook 地址');
  const fallbackTemplateId = input.fallbackTemplateId ?? null;
  if (fallbackTemplateId !== null) await checkFallback(db, { channel: input.channel, variables }, fallbackTemplateId, selfId);
  return {
    name: input.name,
    channel: input.channel,
    subject,
    body: input.body,
    variables,
    sampleVariables,
    active: input.active ?? true,
    fallbackTemplateId,
    webhookUrl: input.channel === 'app_webhook' ? input.webhookUrl ?? null : null,
    webhookSecretRef: input.channel === 'app_webhook' ? input.webhookSecretRef ?? null : null,
    providerTemplate: input.providerTemplate ?? null,
    quietHours: input.quietHours ?? null,
  };
}

/** A fallback is sent with the primary's variables on another channel, and never falls back in a circle. */
async function checkFallback(db: Queryable, primary: { channel: DispatchChannel; variables: string[] }, fallbackId: number, selfId: number | null): Promise<void> {
  const fallback = fallbackId === selfId ? null : await findTemplate(db, fallbackId);
  if (!fallback) return fail('fallbackTemplateId', fallbackId === selfId ? '备用模板不能是它自己' : `备用模板 ${fallbackId} 不存在`);
  if (fallback.channel === primary.channel) fail('fallbackTemplateId', '备用模板须是另一个渠道的');
  if (fallback.fallbackTemplateId !== null) fail('fallbackTemplateId', `备用模板「${fallback.name}」自己也有备用模板：备用只走一步`);
  const lacking = fallback.variables.filter((name) => !primary.variables.includes(name));
  if (lacking.length > 0) fail('fallbackTemplateId', `备用模板「${fallback.name}」用到本模板没有的变量：${lacking.join('、')}`);
}

async function loadOrFail(db: Queryable, id: number, options: { forUpdate?: boolean } = {}): Promise<Template> {
  const template = await findTemplate(db, id, options);
  if (!template) throw new NotFoundError(`模板 ${id} 不存在`);
  return template;
}

async function checkNameFree(db: Queryable, name: string, selfId: number | null): Promise<void> {
  const other = await findTemplateByName(db, name);
  if (other && other.id !== selfId) throw new ConflictError(`已有名为「${name}」的模板`, [{ field: 'name', message: '名称已被使用' }]);
}

const auditDetails = (template: Template) => ({
  name: template.name, channel: template.channel, active: template.active, variables: template.variables, quietHours: template.quietHours,
});

/**
 * The checks above read before they write, so a concurrent writer can still win: the constraints then refuse the
 * loser, which gets the same answer as if it had come second.
 */
async function refusingRaces<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as { code?: string; constraint?: string }).code;
    if (code === '23505') throw new ConflictError(`已有名为「${name}」的模板`, [{ field: 'name', message: '名称已被使用' }]);
    if (code === '23503') throw new ConflictError(`模板「${name}」已用于发送消息或引用的备用模板已删除，请刷新后重试`);
    throw error;
  }
}

export async function createTemplate(pool: Pool, actor: Actor, input: TemplateInput): Promise<Template> {
  return refusingRaces(input.name, () => withTransaction(pool, async (client) => {
    await checkNameFree(client, input.name, null);
    const id = await insertTemplate(client, await rowOf(client, input, null), actor.userId);
    const created = await loadOrFail(client, id);
    await recordAudit(client, auditAs(actor, { service: 'dispatcher', action: 'dispatcher.template.create', targetType: 'template', targetId: id, details: auditDetails(created) }));
    return created;
  }));
}

export async function updateTemplate(pool: Pool, actor: Actor, id: number, input: TemplateInput): Promise<Template> {
  return refusingRaces(input.name, () => withTransaction(pool, async (client) => {
    const before = await loadOrFail(client, id, { forUpdate: true });
    await checkNameFree(client, input.name, id);
    const row = await rowOf(client, { ...input, active: input.active ?? before.active, quietHours: input.quietHours === undefined ? before.quietHours : input.quietHours }, id);
    await checkDependents(client, id, row);
    await updateRow(client, id, row, actor.userId);
    const after = await loadOrFail(client, id);
    await recordAudit(client, auditAs(actor, {
      service: 'dispatcher', action: 'dispatcher.template.update', targetType: 'template', targetId: id,
      details: { before: { ...auditDetails(before), subject: before.subject, body: before.body }, after: { ...auditDetails(after), subject: after.subject, body: after.body } },
    }));
    return after;
  }));
}

/** Templates falling back to this one are sent with their own variables: a change must not leave them lacking one. */
async function checkDependents(db: Queryable, id: number, row: TemplateRow): Promise<void> {
  const problems: ErrorDetail[] = [];
  for (const primary of await templatesFallingBackTo(db, id)) {
    const lacking = row.variables.filter((name) => !primary.variables.includes(name));
    if (lacking.length > 0) problems.push({ field: 'body', message: `模板「${primary.name}」以本模板为备用，它没有变量：${lacking.join('、')}` });
    if (primary.channel === row.channel) problems.push({ field: 'channel', message: `模板「${primary.name}」以本模板为备用，渠道须与它不同` });
  }
  if (row.fallbackTemplateId !== null && problems.length === 0 && (await templatesFallingBackTo(db, id)).length > 0) {
    problems.push({ field: 'fallbackTemplateId', message: '本模板是其他模板的备用，自己不能再有备用模板' });
  }
  if (problems.length > 0) throw new ValidationError(problems.map((problem) => problem.message).join('；'), problems);
}

export async function changeTemplateActive(pool: Pool, actor: Actor, id: number, active: boolean): Promise<Template> {
  return withTransaction(pool, async (client) => {
    const before = await loadOrFail(client, id, { forUpdate: true });
    if (before.active === active) return before;
    await setTemplateActive(client, id, active, actor.userId);
    await recordAudit(client, auditAs(actor, {
      service: 'dispatcher', action: active ? 'dispatcher.template.activate' : 'dispatcher.template.deactivate', targetType: 'template', targetId: id,
      details: { name: before.name },
    }));
    return loadOrFail(client, id);
  });
}

/** A template messages were sent with stays (their history names it): it can only be deactivated. */
export async function removeTemplate(pool: Pool, actor: Actor, id: number): Promise<void> {
  await refusingRaces(String(id), () => withTransaction(pool, async (client) => {
    const template = await loadOrFail(client, id, { forUpdate: true });
    if (await isTemplateUsed(client, id)) throw new ConflictError(`模板「${template.name}」已用于发送消息，不能删除；可以停用`);
    await deleteRow(client, id);
    await recordAudit(client, auditAs(actor, { service: 'dispatcher', action: 'dispatcher.template.delete', targetType: 'template', targetId: id, details: auditDetails(template) }));
  }));
}

export { loadOrFail as readTemplate };
