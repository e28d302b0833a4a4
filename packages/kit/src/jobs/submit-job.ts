import { randomUUID } from 'node:crypto';
import { jobPayloadSchemas, type JobPayload, type JobQueue } from '@doitcrm/types';
import { auditAs, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../auth/audit.ts';
import type { Broker } from '../broker.ts';
import { withTransaction, type Pool, type PoolClient } from '../db.ts';
import { UnavailableError } from '../errors.ts';
import { finishJob, insertJob, type JobSnapshot } from './job-repository.ts';

/** What the job's row says when RabbitMQ did not take its message. */
export const JOB_NOT_QUEUED = '无法提交到任务队列 (RabbitMQ unreachable)';
/** What the caller is told (503) in that case. */
export const JOB_QUEUE_UNAVAILABLE = '任务队列暂不可用，请稍后重试 (RabbitMQ unreachable)';

export interface SubmitJobDeps {
  pool: Pool;
  broker: Pick<Broker, 'sendJob'>;
}

export interface SubmitJobOptions<Q extends JobQueue, R> {
  type: Q;
  /** what the job pages show of it (`ops.jobs.params`) */
  params?: Record<string, unknown>;
  /** who asked: their user becomes the job's creator. Or `createdBy` alone, for work nobody signed in asked for. */
  actor?: Actor;
  createdBy?: number | null;
  /**
   * The queue message, built once the job and `within`'s record exist, inside the transaction: a payload that
   * breaks the queue's schema rolls everything back (a bug of ours, not left for a worker to trip over).
   */
  payload: (job: { jobId: string; userId: number | null; record: R }) => JobPayload<Q>;
  /** the audit row of the submission, naming the job, written on the actor's behalf with the job */
  audit?: { service: string; action: string; details?: Record<string, unknown> };
  /** other writes that belong with the job (its audit row, a feature's own row): committed with it, or not at all */
  within?: (client: PoolClient, job: JobSnapshot) => Promise<R>;
  /** when the broker does not take the message: mark what `within` wrote as failed too */
  onUnqueued?: (record: R, reason: string) => Promise<void>;
}

/**
 * Submits a job: its row and the caller's records in one transaction, then its message, published with a confirm.
 * The message goes after the commit, not inside it: a worker quicker than the commit would find no row and drop
 * the message. A broker that does not take the message fails the job (and `onUnqueued`'s records) and the caller
 * gets a 503, so nothing is left queued for ever and the page can say so at once.
 */
export async function submitJob<Q extends JobQueue, R = undefined>(
  deps: SubmitJobDeps,
  options: SubmitJobOptions<Q, R>,
): Promise<{ job: JobSnapshot; record: R }> {
  const jobId = randomUUID();
  const userId = options.actor?.userId ?? options.createdBy ?? null;
  const { job, record, payload } = await withTransaction(deps.pool, async (client) => {
    const inserted = await insertJob(client, { id: jobId, type: options.type, params: options.params, createdBy: userId });
    if (options.audit) {
      const actor = options.actor ?? { userId, username: null, role: null, ip: null, userAgent: null };
      await recordAudit(client, auditAs(actor, { ...options.audit, targetType: 'job', targetId: jobId }));
    }
    const made = (options.within ? await options.within(client, inserted) : undefined) as R;
    const message = jobPayloadSchemas[options.type].parse(options.payload({ jobId, userId, record: made })) as JobPayload<Q>;
    return { job: inserted, record: made, payload: message };
  });
  try {
    await deps.broker.sendJob(options.type, payload);
  } catch (error) {
    await finishJob(deps.pool, job.id, { status: 'failed', error: JOB_NOT_QUEUED });
    await options.onUnqueued?.(record, JOB_NOT_QUEUED);
    throw new UnavailableError(JOB_QUEUE_UNAVAILABLE, error);
  }
  return { job, record };
}
