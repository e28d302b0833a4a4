import { auditAs, ConflictError, NotFoundError, recordAudit, ValidationError, withTransaction, type Actor, type Pool, type Queryable } from '@doitcrm/kit';
import type { MessagePage, MessageSummary, RetryResult, Trace } from '../contract.ts';
import { findTrace, searchMessages, type MessageCursor, type MessageFilter } from '../data-access/message-read-repository.ts';
import { messageStatus, requeueFailed, type RetryScope } from '../data-access/retry-repository.ts';
import { maskRecipient } from './recipient-mask.ts';

/** Viewers read the monitor but not whom a message went to, nor the values it carried. */
const seesRecipients = (actor: Actor) => actor.role === 'staff' || actor.role === 'admin';

function encodeCursor(cursor: MessageCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(text: string): MessageCursor {
  const [createdAt, id] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || !/^\d{1,15}$/u.test(id) || !/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d(:?\d\d)?|Z)$/u.test(createdAt)) {
    throw new ValidationError('cursor 无效', [{ field: 'cursor', message: '请从第一页重新查询' }]);
  }
  return { createdAt, id: Number(id) };
}

export async function findMessages(db: Queryable, actor: Actor, filter: MessageFilter, cursor: string | undefined, limit: number): Promise<MessagePage> {
  const rows = await searchMessages(db, filter, cursor ? decodeCursor(cursor) : null, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const items: MessageSummary[] = page.map(({ cursorAt: _cursorAt, ...row }) => (seesRecipients(actor) ? row : { ...row, recipient: maskRecipient(row.recipient) }));
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.cursorAt, id: last.id }) : null };
}

/**
 * One message's story; viewers get the recipient masked and no variable values. It shows whom a message went to, so
 * the route audits the read (auditReadAlongside: refused when the audit row cannot be written).
 */
export async function readTrace(db: Queryable, actor: Actor, traceId: string): Promise<Trace> {
  const trace = await findTrace(db, traceId);
  if (!trace) throw new NotFoundError(`没有追踪号为 ${traceId} 的消息`);
  if (seesRecipients(actor)) return trace;
  const { fallbackRecipient } = trace.message;
  return {
    ...trace,
    message: {
      ...trace.message, recipient: maskRecipient(trace.message.recipient), variables: {},
      fallbackRecipient: fallbackRecipient === null ? null : maskRecipient(fallbackRecipient),
    },
  };
}

/** What a person may retry from the page (the periodic retry's own scope is the schedule's). */
export type PageRetryScope = Exclude<RetryScope, { retryable: unknown }>;

const scopeTarget = (scope: PageRetryScope) => ('messageId' in scope
  ? { targetType: 'message', targetId: scope.messageId }
  : 'batchId' in scope ? { targetType: 'batch', targetId: scope.batchId } : { targetType: 'template', targetId: scope.templateId });

/**
 * "Retry failed" from the page: failed messages of one message, batch or template go back to the queue in one
 * transaction with their outbox rows, each traced `retry`, the whole action audited once with its count.
 */
export async function retryFailed(pool: Pool, actor: Actor, scope: PageRetryScope): Promise<RetryResult> {
  return withTransaction(pool, async (client) => {
    const target = scopeTarget(scope);
    const retried = await requeueFailed(client, scope, { manual: true, by: actor.username, scope: target.targetType });
    if (retried === 0 && 'messageId' in scope) {
      const status = await messageStatus(client, scope.messageId);
      if (status === null) throw new NotFoundError(`消息 ${scope.messageId} 不存在`);
      throw new ConflictError(status === 'failed' ? `消息 ${scope.messageId} 正在被重试` : `消息 ${scope.messageId} 的状态是 ${status}，只有失败或未送达的消息可以重试`);
    }
    await recordAudit(client, auditAs(actor, { service: 'dispatcher', action: 'dispatcher.message.retry', ...target, details: { retried } }));
    return { retried };
  });
}
