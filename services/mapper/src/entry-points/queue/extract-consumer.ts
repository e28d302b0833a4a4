import { isConnectionLoss, type BaseConfig, type ServiceContext } from '@doitcrm/kit';
import { mapperExtractJobSchema, type MapperExtractJob } from '@doitcrm/types';
import type { ExtractResult } from '../../contract.ts';
import { extractWholeArchive } from '../../domain/extract-ids.ts';

export const EXTRACT_QUEUE = 'mapper.extract';

/**
 * The `mapper.extract` worker: the whole archive, month by month, with progress. A redelivered job that already
 * finished is acknowledged untouched; one that was interrupted simply runs again (every step is a rebuild).
 */
export async function startExtractConsumer(context: ServiceContext<BaseConfig>): Promise<void> {
  await context.broker.consume<MapperExtractJob>({
    queue: EXTRACT_QUEUE,
    prefetch: 1,
    maxAttempts: 3,
    schema: mapperExtractJobSchema,
    handle: async (job) => {
      const reporter = context.jobReporter(job.jobId);
      if (!(await reporter.start())) return;
      try {
        const result: ExtractResult = await extractWholeArchive(context.pool, { timezone: context.config.DISPLAY_TIMEZONE },
          (done, total, message) => reporter.progress(done, total, message));
        await reporter.succeed(result, `提取完成：共 ${result.seenIds} 个 ID，新增 ${result.newIds} 个`);
        context.metrics.jobs.inc({ type: EXTRACT_QUEUE, status: 'succeeded' });
      } catch (error) {
        // PostgreSQL went away mid-walk: the broker runs the job again once it is back (every step is a rebuild)
        if (isConnectionLoss(error)) throw error;
        context.logger.error({ err: error, jobId: job.jobId }, 'whole-archive extraction failed');
        await reporter.fail(error instanceof Error ? error.message : String(error));
        context.metrics.jobs.inc({ type: EXTRACT_QUEUE, status: 'failed' });
      }
    },
  });
}
