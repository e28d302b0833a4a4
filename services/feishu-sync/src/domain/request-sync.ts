import { NotFoundError, submitJob, type Actor, type Broker, type Pool } from '@doitcrm/kit';
import { failOpenRun, insertRun, type SyncRun } from '../data-access/run-repository.ts';
import { findUpload } from '../data-access/upload-repository.ts';

export const SYNC_QUEUE = 'feishu.sync';

/** A sync of an upload, as a job: the run row, the job row and the audit row commit together. */
export async function requestSync(deps: { pool: Pool; broker: Pick<Broker, 'sendJob'> }, actor: Actor, uploadId: number): Promise<{ run: SyncRun; jobId: string }> {
  if (!(await findUpload(deps.pool, uploadId))) throw new NotFoundError(`没有这个上传文件（${uploadId}）`);
  const { job, record } = await submitJob(deps, {
    type: SYNC_QUEUE,
    params: { uploadId },
    actor,
    audit: { service: 'feishu-sync', action: 'feishu.sync.start', details: { uploadId } },
    within: (tx, job) => insertRun(tx, { uploadId, jobId: job.id, createdBy: actor.userId }),
    payload: ({ jobId, userId, record: run }) => ({ jobId, runId: run.id, userId }),
    onUnqueued: (run, reason) => failOpenRun(deps.pool, run.id, reason),
  });
  return { run: record, jobId: job.id };
}
