import { consumeJob, JobInputError, withAdvisoryLock, type ServiceContext } from '@doitcrm/kit';
import { jobPayloadSchemas, type FeishuSyncJob } from '@doitcrm/types';
import type { FeishuSyncConfig } from '../../config.ts';
import { failOpenRun, finishRun } from '../../data-access/run-repository.ts';
import { FEISHU_NOT_CONFIGURED, type FeishuConnection } from '../../domain/feishu-connection.ts';
import { SYNC_QUEUE } from '../../domain/request-sync.ts';
import { SYNC_LOCK } from '../../domain/rollback-run.ts';
import { finalSyncFailure, runSync, type RunOptions } from '../../domain/run-sync.ts';
import type { RunCounters } from '../../data-access/run-repository.ts';
import { startRollbackConsumer } from './rollback-consumer.ts';

export function runSummary(c: RunCounters): string {
  return `同步完成：新学员 ${c.studentsCreated ?? 0}，更新学员 ${c.studentsUpdated ?? 0}，新学习记录 ${c.recordsCreated ?? 0}，跳过已有 ${c.recordsSkipped ?? 0}，文件错误行 ${c.rowErrors ?? 0}`;
}

/**
 * The service's workers: `feishu.sync`, and with it `feishu.rollback` (they share the connection and the sync lock,
 * and a service that syncs must be able to undo). The `feishu.sync` worker: Runs take the sync lock one after another (across processes too), so a second run plans
 * against what the first wrote. A transient failure is redelivered and resumes the run from its local map; permission,
 * field and configuration errors fail it at once with Feishu's words. `options` are for tests.
 */
export async function startSyncConsumer(context: ServiceContext<FeishuSyncConfig>, connection: FeishuConnection | null, options: RunOptions = {}): Promise<void> {
  await consumeJob<FeishuSyncJob>(context, {
    queue: SYNC_QUEUE,
    schema: jobPayloadSchemas[SYNC_QUEUE],
    prefetch: 1,
    maxAttempts: 3,
    maxCrashes: 3,
    isFinal: (error) => finalSyncFailure(error) !== null,
    onFailed: (job, reason) => failOpenRun(context.pool, job.runId, reason),
    handler: async (job, { reporter }) => {
      if (!connection) throw new JobInputError(FEISHU_NOT_CONFIGURED);
      const deps = { pool: context.pool, client: connection.newClient(), tables: connection.tables, logger: context.logger, batchSize: context.config.FEISHU_SYNC_BATCH_SIZE };
      const outcome = await withAdvisoryLock(context.pool, SYNC_LOCK, async () => {
        try {
          const counters = await runSync(deps, job.runId, {
            ...options,
            onProgress: async (done, total, message) => {
              await reporter.progress(done, total, message);
              await options.onProgress?.(done, total, message);
            },
          });
          await finishRun(context.pool, job.runId, { state: 'succeeded' });
          return counters;
        } catch (error) {
          const final = finalSyncFailure(error);
          if (final) {
            await finishRun(context.pool, job.runId, { state: 'failed', error: final.message });
            throw new JobInputError(final.message, { cause: error });
          }
          throw error;
        }
      }, { wait: true });
      if (!outcome.acquired) throw new Error('sync lock not taken');
      return { result: { runId: job.runId, counters: outcome.value }, message: runSummary(outcome.value) };
    },
  });
  await startRollbackConsumer(context, connection);
}
