import { ConflictError, submitJob, type Actor, type Broker, type Pool } from '@doitcrm/kit';
import { claimRollbackJob } from '../data-access/run-repository.ts';
import { rollbackableRun } from './rollback-run.ts';

export const ROLLBACK_QUEUE = 'feishu.rollback';

/**
 * A run's rollback, as a job: refused at once (404/409) when the run cannot be rolled back, or while an earlier
 * rollback of it is queued or running. The job row, the run's link to it and the audit row commit together.
 */
export async function requestRollback(deps: { pool: Pool; broker: Pick<Broker, 'sendJob'> }, actor: Actor, runId: number): Promise<{ jobId: string }> {
  await rollbackableRun(deps.pool, runId);
  const { job } = await submitJob(deps, {
    type: ROLLBACK_QUEUE,
    params: { runId },
    actor,
    audit: { service: 'feishu-sync', action: 'feishu.sync.rollback', details: { runId } },
    within: async (tx, job) => {
      if (!(await claimRollbackJob(tx, runId, job.id))) throw new ConflictError(`第 ${runId} 次同步正在回滚`);
    },
    payload: ({ jobId, userId }) => ({ jobId, runId, userId }),
  });
  return { jobId: job.id };
}
