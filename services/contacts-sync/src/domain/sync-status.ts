import { findJob, type JobSnapshot, type Pool } from '@doitcrm/kit';
import { activeRun, lastSucceededRun, recentRuns, type SyncRun } from '../data-access/run-repository.ts';

export interface SyncStatus {
  current: (SyncRun & { job: JobSnapshot | null }) | null;
  lastSucceeded: SyncRun | null;
  runs: SyncRun[];
}

/** The run going on now (with its job's live progress), the last good one, and the latest runs. */
export async function syncStatus(pool: Pool, limit = 10): Promise<SyncStatus> {
  const [active, runs, lastSucceeded] = await Promise.all([activeRun(pool), recentRuns(pool, limit), lastSucceededRun(pool)]);
  return {
    current: active ? { ...active, job: active.jobId ? await findJob(pool, active.jobId) : null } : null,
    lastSucceeded,
    runs,
  };
}
