import { consumeJob, isAppError, JobInputError, type ServiceContext } from '@doitcrm/kit';
import { jobPayloadSchemas, type FeishuRollbackJob } from '@doitcrm/types';
import type { FeishuSyncConfig } from '../../config.ts';
import { FEISHU_NOT_CONFIGURED, type FeishuConnection } from '../../domain/feishu-connection.ts';
import { ROLLBACK_QUEUE } from '../../domain/request-rollback.ts';
import { rollbackRun } from '../../domain/rollback-run.ts';
import { finalSyncFailure } from '../../domain/run-sync.ts';

/**
 * The `feishu.rollback` worker. It waits behind a running sync for the sync lock. A transient Feishu failure is
 * retried and resumes from what the rollback already forgot; a refusal (already rolled back, a later run first) and
 * permission or configuration errors fail the job at once.
 */
export async function startRollbackConsumer(context: ServiceContext<FeishuSyncConfig>, connection: FeishuConnection | null): Promise<void> {
  await consumeJob<FeishuRollbackJob>(context, {
    queue: ROLLBACK_QUEUE,
    schema: jobPayloadSchemas[ROLLBACK_QUEUE],
    prefetch: 1,
    maxAttempts: 3,
    maxCrashes: 3,
    isFinal: (error) => isAppError(error) || finalSyncFailure(error) !== null,
    handler: async (job, { reporter }) => {
      if (!connection) throw new JobInputError(FEISHU_NOT_CONFIGURED);
      const outcome = await rollbackRun({ pool: context.pool, client: connection.newClient(), tables: connection.tables }, job.runId, {
        waitForLock: true,
        onProgress: (done, total, message) => reporter.progress(done, total, message),
      });
      return { result: outcome, message: `已回滚：删除 ${outcome.deleted} 条，恢复 ${outcome.restored} 条` };
    },
  });
}
