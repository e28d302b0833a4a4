import { ConflictError, NotFoundError, withAdvisoryLock, type Pool } from '@doitcrm/kit';
import type { FeishuClient } from '@doitcrm/feishu';
import { changedBefore, createdRecords, forgetChanged, forgetCreated } from '../data-access/record-map-repository.ts';
import { findRun, finishRun, laterRunWithWrites, saveProgress } from '../data-access/run-repository.ts';
import { chunks, type SyncTables } from './bitable-tables.ts';

export const SYNC_LOCK = 'feishu.sync';

/**
 * Undoes a finished or failed run: the students' cells it changed are written back as they were (their link cells
 * first, so nothing links to what is deleted next), then the learning records and students it created are deleted.
 * Each step forgets what it did, so a rollback that stops midway can be asked again. Newest first: a later run that
 * wrote wrote link cells built on this one's. Holds the sync lock: no run writes while a rollback does.
 */
export async function rollbackRun(deps: { pool: Pool; client: FeishuClient; tables: SyncTables }, runId: number) {
  const { pool, client, tables } = deps;
  const run = await findRun(pool, runId);
  if (!run) throw new NotFoundError(`没有第 ${runId} 次同步`);
  if (run.state === 'queued' || run.state === 'running') throw new ConflictError(`第 ${runId} 次同步仍在进行，结束后才能回滚`);
  if (run.state === 'rolled_back') throw new ConflictError(`第 ${runId} 次同步已回滚`);
  const later = await laterRunWithWrites(pool, runId);
  if (later !== null) throw new ConflictError(`请先回滚之后的第 ${later} 次同步：它写入的关联建立在这次之上`);
  const outcome = await withAdvisoryLock(pool, SYNC_LOCK, async () => {
    const startCalls = client.calls.total;
    let restored = 0;
    let deleted = 0;
    try {
      const changed = (await changedBefore(pool, runId)).filter((c) => c.table === 'students');
      for (const batch of chunks(changed, 500)) {
        await client.batchUpdate(tables.students, batch.map((c) => ({ recordId: c.recordId, fields: c.before })));
        await forgetChanged(pool, runId, batch.map((c) => c.recordId));
        restored += batch.length;
      }
      for (const [kind, table] of [['records', tables.records], ['students', tables.students]] as const) {
        const ids = [...(await createdRecords(pool, runId, kind)).values()];
        for (const batch of chunks(ids, 500)) {
          await client.batchDelete(table, batch);
          await forgetCreated(pool, runId, batch);
          deleted += batch.length;
        }
      }
    } finally {
      await saveProgress(pool, runId, {}, client.calls.total - startCalls);
    }
    await saveProgress(pool, runId, { restored, deleted }, 0);
    await finishRun(pool, runId, { state: 'rolled_back', error: run.error });
    return { runId, restored, deleted };
  }, { wait: false });
  if (!outcome.acquired) throw new ConflictError('有同步或回滚正在进行，请稍后再试');
  return outcome.value;
}
