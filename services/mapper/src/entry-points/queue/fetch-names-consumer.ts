import { withAdvisoryLock, type ServiceContext } from '@doitcrm/kit';
import { mapperFetchNamesJobSchema, type MapperFetchNamesJob } from '@doitcrm/types';
import type { WecomClient } from '@doitcrm/wecom';
import {
  fetchNames, FetchNamesJobNotRunningError, FetchNamesStoppedError, type FetchNamesOptions,
} from '../../domain/fetch-names.ts';
import type { FetchNamesResult } from '../../contract.ts';
import { WECOM_NOT_CONFIGURED } from '@doitcrm/wecom';

export const FETCH_NAMES_QUEUE = 'mapper.fetch-names';
const MAX_ATTEMPTS = 3;

/**
 * The `mapper.fetch-names` worker, one job at a time (WeCom's limit is per corp, so parallel jobs would only
 * queue behind the same limiter). At-least-once delivery: a finished job is acknowledged untouched, and an
 * interrupted one resumes from its checkpoint. `options` tune the walk (tests use fast retries).
 */
export async function startFetchNamesConsumer(context: ServiceContext, client: WecomClient | null, options: FetchNamesOptions = {}): Promise<void> {
  await context.broker.consume<MapperFetchNamesJob>({
    queue: FETCH_NAMES_QUEUE,
    prefetch: 1,
    // attempts are counted on the job row; the broker only dead-letters what cannot even be parsed
    maxAttempts: MAX_ATTEMPTS + 2,
    schema: mapperFetchNamesJobSchema,
    handle: (job) => withJobLock(context, job.jobId, () => runJob(context, client, job, options)),
  });
}

async function runJob(context: ServiceContext, client: WecomClient | null, job: MapperFetchNamesJob, options: FetchNamesOptions): Promise<void> {
  const reporter = context.jobReporter(job.jobId);
  const running = await reporter.start();
  if (!running) return;
  if (!client) {
    await reporter.fail(WECOM_NOT_CONFIGURED);
    context.metrics.jobs.inc({ type: FETCH_NAMES_QUEUE, status: 'failed' });
    return;
  }
  try {
    const result = await fetchNames({ pool: context.pool, client, logger: context.logger }, job, reporter, options);
    await reporter.succeed(result, summary(result));
    context.metrics.jobs.inc({ type: FETCH_NAMES_QUEUE, status: 'succeeded' });
  } catch (error) {
    if (error instanceof FetchNamesJobNotRunningError) return;
    if (error instanceof FetchNamesStoppedError || running.attempts >= MAX_ATTEMPTS) {
      await reporter.fail(error instanceof Error ? error.message : String(error));
      context.metrics.jobs.inc({ type: FETCH_NAMES_QUEUE, status: 'failed' });
      return;
    }
    // redelivered after a back-off, and resumed from the checkpoint
    throw error;
  }
}

/**
 * One worker per job across processes: a message redelivered while its first worker still runs (RabbitMQ's
 * consumer timeout, a channel reopened) waits here, then finds the job finished, or resumes it if that worker died.
 */
async function withJobLock(context: ServiceContext, jobId: string, work: () => Promise<void>): Promise<void> {
  await withAdvisoryLock(context.pool, `${FETCH_NAMES_QUEUE}:${jobId}`, work);
}

function summary(result: FetchNamesResult): string {
  const parts = [`已获取 ${result.resolved}`, `无法获取 ${result.unresolvable}`];
  if (result.failed > 0) parts.push(`暂时失败 ${result.failed}（保持待获取，可稍后再试）`);
  if (result.skipped > 0) parts.push(`跳过 ${result.skipped}`);
  return `昵称获取完成（共 ${result.total}）：${parts.join('，')}`;
}
