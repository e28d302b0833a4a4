import { ConflictError, NotFoundError, withAdvisoryLock, type Pool } from '@doitcrm/kit';
import type { FeishuClient } from '@doitcrm/feishu';
import { changedBefore, createdRecords, forgetChanged, forgetCreated } from '../data-access/record-map-repository.ts';
import { findRun, finishRun, laterRunWithWrites, saveProgress, type RunCounters, type SyncRun } from '../data-access/run-repository.ts';
import { chunks, RECORD, STUDENT, type SyncTables } from './bitable-tables.ts';
import { goneRecordFilter } from './gone-records.ts';

export const SYNC_LOCK = 'feishu.sync';

export interface RollbackOutcome {
  runId: number;
  restored: number;
  deleted: number;
  alreadyGone: number;
  notRestored: string[];
}

export interface RollbackOptions {
  /** records handled so far of all to handle (changed students, then created learning records and students) */
  onProgress?: (done: number, total: number, message: string) => Promise<void>;
  /** wait for a running sync to end (the job) instead of refusing at once */
  waitForLock?: boolean;
}

/** Why a run cannot be rolled back now, as the error the caller answers with; the run when it can. */
export async function rollbackableRun(pool: Pool, runId: number): Promise<SyncRun> {
  const run = await findRun(pool, runId);
  if (!run) throw new NotFoundError(`没有第 ${runId} 次同步`);
  if (run.state === 'queued' || run.state === 'running') throw new ConflictError(`第 ${runId} 次同步仍在进行，结束后才能回滚`);
  if (run.state === 'rolled_back') throw new ConflictError(`第 ${runId} 次同步已回滚`);
  const later = await laterRunWithWrites(pool, runId);
  if (later !== null) throw new ConflictError(`请先回滚之后的第 ${later} 次同步：它写入的关联建立在这次之上`);
  return run;
}

/**
 * Undoes a finished or failed run: the students' cells it changed are written back as they were (their link cells
 * first, so nothing links to what is deleted next), then the learning records and students it created are deleted.
 * A record already gone from Feishu counts as deleted (alreadyGone says how many); a changed student gone is reported
 * (notRestored), not fatal. Each batch forgets what it did and adds to the run's counters, so a rollback that stops
 * midway can be asked again, finishes, and reports the whole. Newest first: a later run that wrote wrote link cells
 * built on this one's. Holds the sync lock: no run writes while a rollback does.
 */
export async function rollbackRun(deps: { pool: Pool; client: FeishuClient; tables: SyncTables }, runId: number, options: RollbackOptions = {}): Promise<RollbackOutcome> {
  const { pool, client, tables } = deps;
  await rollbackableRun(pool, runId);
  const outcome = await withAdvisoryLock(pool, SYNC_LOCK, async () => {
    // checked again under the lock: a sync may have ended, or another rollback finished, while this one waited
    const run = await rollbackableRun(pool, runId);
    const startCalls = client.calls.total;
    // an earlier attempt that stopped midway left its figures on the run
    const done: Required<Pick<RunCounters, 'restored' | 'deleted' | 'alreadyGone' | 'notRestored'>> = {
      restored: run.counters.restored ?? 0, deleted: run.counters.deleted ?? 0,
      alreadyGone: run.counters.alreadyGone ?? 0, notRestored: run.counters.notRestored ?? 0,
    };
    const notRestored: string[] = [];
    const students = goneRecordFilter(client, tables.students, STUDENT.userId);
    const records = goneRecordFilter(client, tables.records, RECORD.userId);
    const changed = (await changedBefore(pool, runId)).filter((c) => c.table === 'students');
    const created = {
      records: [...(await createdRecords(pool, runId, 'records')).values()],
      students: [...(await createdRecords(pool, runId, 'students')).values()],
    };
    const total = changed.length + created.records.length + created.students.length;
    let handled = 0;
    const progress = async (count: number, message: string) => {
      handled += count;
      await saveProgress(pool, runId, done, 0);
      await options.onProgress?.(handled, total, message);
    };
    try {
      for (const batch of chunks(changed, 500)) {
        const before = new Map(batch.map((c) => [c.recordId, c.before]));
        const { written, gone } = await students(batch.map((c) => c.recordId), (ids) => client.batchUpdate(tables.students, ids.map((id) => ({ recordId: id, fields: before.get(id)! }))));
        await forgetChanged(pool, runId, [...before.keys()]);
        notRestored.push(...gone);
        done.restored += written.length;
        done.notRestored += gone.length;
        await progress(batch.length, '恢复学员的原值');
      }
      for (const [kind, filter, table, label] of [['records', records, tables.records, '删除新建的学习记录'], ['students', students, tables.students, '删除新建的学员']] as const) {
        for (const batch of chunks(created[kind], 500)) {
          const { gone } = await filter(batch, (left) => client.batchDelete(table, left));
          await forgetCreated(pool, runId, batch);
          done.deleted += batch.length;
          done.alreadyGone += gone.length;
          await progress(batch.length, label);
        }
      }
    } finally {
      await saveProgress(pool, runId, {}, client.calls.total - startCalls);
    }
    await finishRun(pool, runId, { state: 'rolled_back', error: run.error });
    return { runId, restored: done.restored, deleted: done.deleted, alreadyGone: done.alreadyGone, notRestored };
  }, { wait: options.waitForLock ?? false });
  if (!outcome.acquired) throw new ConflictError('有同步或回滚正在进行，请稍后再试');
  return outcome.value;
}
