import { ConflictError, submitJob, withAdvisoryLock, type Actor, type Broker, type Pool } from '@doitcrm/kit';
import { abandonRun, activeRun, failOpenRun, insertRun, type SyncMode, type SyncRun } from '../data-access/run-repository.ts';

/** The advisory lock every sync run holds while it works (API worker and CLI alike). */
export const SYNC_LOCK = 'contacts.sync';
export const SYNC_QUEUE = 'contacts.sync';

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

function runningConflict(run: SyncRun, why: string): ConflictError {
  return new ConflictError(`已有同步正在进行（第 ${run.id} 次，${run.mode === 'full' ? '全量' : '增量'}）：${why}`, [
    { field: 'runId', message: String(run.id) },
  ]);
}

/**
 * Whether a run the table calls active has no process behind it: a running run's worker holds SYNC_LOCK for as long
 * as it works (the lock ends with its connection, so a killed process frees it); a queued run whose job no worker
 * took within 15 minutes is dead too.
 */
export async function isDeadRun(pool: Pool, run: SyncRun): Promise<boolean> {
  if (run.state === 'queued') return Date.now() - Date.parse(run.createdAt) > 15 * 60_000;
  const probe = await withAdvisoryLock(pool, SYNC_LOCK, async () => true, { wait: false });
  return probe.acquired;
}

/**
 * Starts a sync run as a job: 409 while another run is active, unless `force` and that run is dead (it is then
 * abandoned, and the new run resumes its pass). The run row, the job row and the audit row commit together.
 */
export async function requestSync(
  deps: { pool: Pool; broker: Pick<Broker, 'sendJob'> }, actor: Actor, request: { mode: SyncMode; force: boolean },
): Promise<{ run: SyncRun; jobId: string }> {
  const active = await activeRun(deps.pool);
  if (active) {
    if (!request.force) throw runningConflict(active, '等它结束，或在它已中断时用 force=true 重新开始');
    if (!(await isDeadRun(deps.pool, active))) throw runningConflict(active, '它仍在运行，force 只能取代已中断的同步');
    await abandonRun(deps.pool, active.id);
  }
  try {
    const { job, record } = await submitJob(deps, {
      type: SYNC_QUEUE,
      params: { mode: request.mode, force: request.force },
      actor,
      audit: { service: 'contacts-sync', action: 'contacts.sync.start', details: { mode: request.mode, force: request.force } },
      within: (tx, job) => insertRun(tx, { mode: request.mode, jobId: job.id, createdBy: actor.userId }),
      payload: ({ jobId, userId, record: run }) => ({ jobId, runId: run.id, mode: request.mode, userId }),
      onUnqueued: (run, reason) => failOpenRun(deps.pool, run.id, reason),
    });
    return { run: record, jobId: job.id };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await activeRun(deps.pool);
    throw winner ? runningConflict(winner, '刚刚由别人启动') : new ConflictError('已有同步正在进行');
  }
}
