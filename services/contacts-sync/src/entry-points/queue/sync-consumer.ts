import { consumeJob, JobInputError, withAdvisoryLock, type ServiceContext } from '@doitcrm/kit';
import { jobPayloadSchemas, type ContactsSyncJob } from '@doitcrm/types';
import { classifyWecomFailure, WECOM_NOT_CONFIGURED, type WecomClient } from '@doitcrm/wecom';
import type { ContactsSyncConfig } from '../../config.ts';
import { failOpenRun } from '../../data-access/run-repository.ts';
import { SYNC_LOCK, SYNC_QUEUE } from '../../domain/request-sync.ts';
import { MassLossError, RunNotActiveError, runSync, type RunOptions, type SyncSettings } from '../../domain/run-sync.ts';
import { rowsWritten, type RunCounters } from '../../domain/run-counters.ts';

export function syncSettingsOf(config: Pick<ContactsSyncConfig,
  'CONTACTS_SYNC_MEMBERS_PER_BATCH' | 'CONTACTS_SYNC_CONCURRENCY' | 'CONTACTS_SYNC_LOST_GUARD_RATIO' | 'DISPLAY_TIMEZONE'>): SyncSettings {
  return {
    membersPerBatch: config.CONTACTS_SYNC_MEMBERS_PER_BATCH,
    concurrency: config.CONTACTS_SYNC_CONCURRENCY,
    lostGuardRatio: config.CONTACTS_SYNC_LOST_GUARD_RATIO,
    timezone: config.DISPLAY_TIMEZONE,
  };
}

export function runSummary(c: RunCounters): string {
  return `同步完成：成员 ${c.staffSeen}，客户关系 ${c.relationsSeen}，客户群 ${c.groupsSeen}；写入 ${rowsWritten(c)} 行，新增关系 ${c.relationsAdded}，`
    + `流失 ${c.relationsLost}，客户删除 ${c.contactsDeleted}`;
}

/**
 * The `contacts.sync` worker, one run at a time (prefetch 1, and SYNC_LOCK across processes and the CLI). A run that
 * fails for a moment is redelivered and resumes from its checkpoint; configuration errors, a mass loss and a replaced
 * run fail at once. `options` are for tests.
 */
export async function startSyncConsumer(context: ServiceContext<ContactsSyncConfig>, client: WecomClient | null, options: RunOptions = {}): Promise<void> {
  await consumeJob<ContactsSyncJob>(context, {
    queue: SYNC_QUEUE,
    schema: jobPayloadSchemas[SYNC_QUEUE],
    prefetch: 1,
    maxAttempts: 3,
    maxCrashes: 3,
    isFinal: (error) => error instanceof MassLossError || error instanceof RunNotActiveError || classifyWecomFailure(error).kind === 'configuration',
    onFailed: (job, reason) => failOpenRun(context.pool, job.runId, reason),
    handler: async (job, { reporter }) => {
      if (!client) throw new JobInputError(WECOM_NOT_CONFIGURED);
      const deps = { pool: context.pool, client, logger: context.logger, settings: syncSettingsOf(context.config) };
      const outcome = await withAdvisoryLock(context.pool, SYNC_LOCK, () => runSync(deps, job.runId, {
        ...options,
        onProgress: async (done, total, message) => {
          await reporter.progress(done, total, message);
          await options.onProgress?.(done, total, message);
        },
      }), { wait: false });
      if (!outcome.acquired) throw new JobInputError('另一个同步正在运行（命令行或其他进程），本次未执行');
      return { result: { runId: job.runId, counters: outcome.value }, message: runSummary(outcome.value) };
    },
  });
}
