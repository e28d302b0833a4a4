import { randomUUID } from 'node:crypto';
import { auditAs, recordAudit, ValidationError, type Actor, type ErrorDetail, type PoolClient } from '@doitcrm/kit';
import { insertMessages } from '../data-access/message-repository.ts';
import { findTemplate } from '../data-access/template-repository.ts';
import type { SendAccepted } from '../contract.ts';
import type { DispatchSettings } from './dispatch-settings.ts';
import { holdFor } from './holds.ts';
import { maskRecipient } from './recipient-mask.ts';
import { recipientProblem } from './recipient-shape.ts';

type Values = Record<string, string | number | boolean | null>;

export interface SendRequest {
  templateId: number;
  /** in the caller's order; `variables` are this recipient's own, over the request's shared ones */
  recipients: Array<{ recipient: string; fallbackRecipient?: string | undefined; variables?: Values | undefined }>;
  variables: Values;
  priority: number;
  sendAt: Date | null;
  /** 'send' names fields as the single send does (`recipient`), 'batch' by index (`recipients.3`) */
  shape: 'send' | 'batch';
}

export interface SendDeps {
  settings: () => DispatchSettings;
  now: () => Date;
}

// a batch with thousands of bad rows is answered with the first of them, and how many there are
const MAX_DETAILS = 100;

const missingOf = (names: string[], values: Values) => names.filter((name) => values[name] === undefined || values[name] === null);

/**
 * Accepts a send of one template to one or many recipients: checks the template, each recipient's address for the
 * channel and each recipient's values, decides whether the batch is held (send_at, quiet hours), and writes every
 * message with its outbox row and first trace event, set-based, in the caller's transaction (with the audit row).
 * Nothing is written when anything is wrong: the 400 names each problem by field and recipient index.
 */
export async function sendMessages(client: PoolClient, deps: SendDeps, actor: Actor, request: SendRequest): Promise<SendAccepted> {
  const template = await findTemplate(client, request.templateId);
  if (!template) throw new ValidationError(`模板 ${request.templateId} 不存在`, [{ field: 'template_id', message: 'no such template' }]);
  if (!template.active) throw new ValidationError(`模板「${template.name}」已停用`, [{ field: 'template_id', message: 'template is inactive' }]);

  const problems: ErrorDetail[] = [];
  const recipients: string[] = [];
  const fallbackRecipients: Array<string | null> = [];
  const variables: string[] = [];
  const shared = JSON.stringify(request.variables);
  request.recipients.forEach((entry, index) => {
    const at = request.shape === 'send' ? '' : `recipients.${index}.`;
    const addressProblem = recipientProblem(template.channel, entry.recipient);
    if (addressProblem) problems.push({ field: request.shape === 'send' ? 'recipient' : `recipients.${index}`, message: `${entry.recipient.slice(0, 100)}：${addressProblem}` });
    if (entry.fallbackRecipient !== undefined) {
      const field = request.shape === 'send' ? 'fallback_recipient' : `recipients.${index}.fallback_recipient`;
      // checked now against the channel it will be sent on: a caller's typo found minutes later, at a failure, helps no one
      const fallbackProblem = template.fallbackChannel === null
        ? '模板没有备用模板'
        : recipientProblem(template.fallbackChannel, entry.fallbackRecipient);
      if (fallbackProblem) problems.push({ field, message: `${maskRecipient(entry.fallbackRecipient.slice(0, 100))}：${fallbackProblem}` });
    }
    fallbackRecipients.push(entry.fallbackRecipient ?? null);
    const values = entry.variables ? { ...request.variables, ...entry.variables } : request.variables;
    for (const name of missingOf(template.variables, values)) problems.push({ field: `${at}variables.${name}`, message: `缺少变量 ${name}` });
    recipients.push(entry.recipient);
    variables.push(entry.variables ? JSON.stringify(values) : shared);
  });
  if (problems.length > 0) {
    const more = problems.length > 1 ? `（共 ${problems.length} 处问题）` : '';
    throw new ValidationError(`${problems[0]!.field}：${problems[0]!.message}${more}`, problems.slice(0, MAX_DETAILS));
  }

  const now = deps.now();
  const hold = holdFor({
    channel: template.channel, priority: request.priority, sendAt: request.sendAt, now, quietHours: deps.settings().quiet_hours, overrides: [template.quietHours],
  });
  const batchId = randomUUID();
  const traceIds = recipients.map(() => randomUUID());
  await insertMessages(client, {
    batchId, templateId: template.id, channel: template.channel, priority: request.priority, hold,
    createdBy: actor.userId, traceIds, recipients, variables, fallbackRecipients,
  });
  await recordAudit(client, auditAs(actor, {
    service: 'dispatcher',
    action: request.shape === 'send' ? 'dispatcher.message.send' : 'dispatcher.message.send-batch',
    targetType: 'dispatch.batch',
    targetId: batchId,
    details: { templateId: template.id, recipients: recipients.length, priority: request.priority, held: hold?.reason ?? null },
  }));
  return {
    batchId,
    traceIds,
    queued: hold ? 0 : recipients.length,
    held: hold ? recipients.length : 0,
    holdReason: hold?.reason ?? null,
    dueAt: hold ? hold.dueAt.toISOString() : null,
  };
}
