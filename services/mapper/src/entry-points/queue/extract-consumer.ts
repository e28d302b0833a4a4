import { consumeJob, type BaseConfig, type ServiceContext } from '@doitcrm/kit';
import { jobPayloadSchemas, type MapperExtractJob } from '@doitcrm/types';
import type { ExtractResult } from '../../contract.ts';
import { extractWholeArchive } from '../../domain/extract-ids.ts';

export const EXTRACT_QUEUE = 'mapper.extract';

/**
 * The `mapper.extract` worker: the whole archive, month by month, with progress. A redelivered job that already
 * finished is acknowledged untouched; one that was interrupted simply runs again (every step is a rebuild), and so
 * does one PostgreSQL went away under (consumeJob hands that back to the broker). Any other failure is the job's
 * outcome: a rebuild that failed would fail again.
 */
export async function startExtractConsumer(context: ServiceContext<BaseConfig>): Promise<void> {
  await consumeJob<MapperExtractJob>(context, {
    queue: EXTRACT_QUEUE,
    schema: jobPayloadSchemas[EXTRACT_QUEUE],
    prefetch: 1,
    maxAttempts: 1,
    handler: async (_job, { reporter }) => {
      const result: ExtractResult = await extractWholeArchive(context.pool, { timezone: context.config.DISPLAY_TIMEZONE },
        (done, total, message) => reporter.progress(done, total, message));
      return { result, message: `提取完成：共 ${result.seenIds} 个 ID，新增 ${result.newIds} 个` };
    },
  });
}
