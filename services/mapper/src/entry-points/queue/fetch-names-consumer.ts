import { consumeJob, JobInputError, type ServiceContext } from '@doitcrm/kit';
import { jobPayloadSchemas, type MapperFetchNamesJob } from '@doitcrm/types';
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
 * interrupted one resumes from its checkpoint; a failed run is redelivered after a back-off and resumes from it
 * too. `options` tune the walk (tests use fast retries).
 */
export async function startFetchNamesConsumer(context: ServiceContext, client: WecomClient | null, options: FetchNamesOptions = {}): Promise<void> {
  await consumeJob<MapperFetchNamesJob>(context, {
    queue: FETCH_NAMES_QUEUE,
    schema: jobPayloadSchemas[FETCH_NAMES_QUEUE],
    prefetch: 1,
    maxAttempts: MAX_ATTEMPTS,
    isFinal: (error) => error instanceof FetchNamesStoppedError,
    handler: async (job, { reporter }) => {
      if (!client) throw new JobInputError(WECOM_NOT_CONFIGURED);
      try {
        const result = await fetchNames({ pool: context.pool, client, logger: context.logger }, job, reporter, options);
        return { result, message: summary(result) };
      } catch (error) {
        // someone else finished the job under us: nothing is left to report
        if (error instanceof FetchNamesJobNotRunningError) return;
        throw error;
      }
    },
  });
}

function summary(result: FetchNamesResult): string {
  const parts = [`已获取 ${result.resolved}`, `无法获取 ${result.unresolvable}`];
  if (result.failed > 0) parts.push(`暂时失败 ${result.failed}（保持待获取，可稍后再试）`);
  if (result.skipped > 0) parts.push(`跳过 ${result.skipped}`);
  return `昵称获取完成（共 ${result.total}）：${parts.join('，')}`;
}
