import { consumeJob, JobInputError, type ServiceContext } from '@doitcrm/kit';
import { jobPayloadSchemas, type MessagesSummarizeJob } from '@doitcrm/types';
import type { MessagesConfig } from '../../config.ts';
import { findSummary, finishSummary } from '../../data-access/summary-repository.ts';
import { SUMMARIZE_QUEUE } from '../../domain/request-summary-use-case.ts';
import { summarize } from '../../domain/summarize.ts';
import { SUMMARIES_OFF, type SummaryBots } from '../../domain/summary-bots.ts';

export { SUMMARIZE_QUEUE };

/**
 * The `messages.summarize` worker. At-least-once delivery: a job already finished is acknowledged untouched
 * (consumeJob refuses to start it again), and one whose worker died mid-answer reads back the Coze chat it had
 * opened (summarize), so a redelivery never pays the bot twice for one summary. summarize reports its own outcome,
 * Coze's failures included; a job that fails otherwise fails its summary with it.
 */
export async function startSummarizeConsumer(context: ServiceContext<MessagesConfig>, bots: SummaryBots | null): Promise<void> {
  await consumeJob<MessagesSummarizeJob>(context, {
    queue: SUMMARIZE_QUEUE,
    schema: jobPayloadSchemas[SUMMARIZE_QUEUE],
    prefetch: 2,
    maxAttempts: 3,
    onFailed: (job, reason) => finishSummary(context.pool, job.summaryId, { status: 'failed', error: reason }),
    handler: async (job, { reporter }) => {
      const summary = await findSummary(context.pool, job.summaryId);
      if (!summary) throw new JobInputError(`没有总结 ${job.summaryId}`);
      if (summary.status === 'succeeded') {
        // answered and stored before the job could be marked done (PostgreSQL went away): never ask Coze again
        return { result: { summaryId: summary.id }, message: summary.summary ?? '' };
      }
      if (!bots) throw new JobInputError(SUMMARIES_OFF);
      await summarize({ pool: context.pool, bots, timezone: context.config.DISPLAY_TIMEZONE, logger: context.logger }, summary, reporter);
    },
  });
}
