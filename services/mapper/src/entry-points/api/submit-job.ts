import type { Request } from 'express';
import {
  UnavailableError, auditFromRequest, finishJob, insertJob, recordAudit, type ServiceContext,
} from '@doitcrm/kit';
import type { MessagePayload, MessageType } from '@doitcrm/types';

/**
 * A job row, its audit record and its queue message, in that order: the page can follow the job from the moment
 * it has the id, and a broker that cannot take the message fails the job instead of leaving it queued for ever.
 */
export async function submitJob<T extends MessageType>(
  context: ServiceContext,
  req: Request,
  type: T,
  params: Record<string, unknown>,
  message: (jobId: string, userId: number | null) => MessagePayload<T>,
): Promise<string> {
  const { pool } = context;
  const userId = req.user?.id ?? null;
  const job = await insertJob(pool, { type, params, createdBy: userId });
  await recordAudit(pool, auditFromRequest(req, { service: 'mapper', action: `${type}.start`, targetType: 'job', targetId: job.id, details: params }));
  try {
    await context.broker.sendJob(type, message(job.id, userId));
  } catch (error) {
    await finishJob(pool, job.id, { status: 'failed', error: '无法提交到任务队列 (RabbitMQ unreachable)' });
    throw new UnavailableError('任务队列暂不可用，请稍后重试 (RabbitMQ unreachable)', error);
  }
  return job.id;
}
