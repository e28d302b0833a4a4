import type { ServiceContext } from '@doitcrm/kit';
import { messagesSummarizeJobSchema, type MessagesSummarizeJob } from '@doitcrm/types';
import type { MessagesConfig } from '../../config.ts';
import { findSummary, finishSummary } from '../../data-access/summary-repository.ts';
import { summarize } from '../../domain/summarize.ts';
import { SUMMARIES_OFF, type SummaryBots } from '../../domain/summary-bots.ts';

export const SUMMARIZE_QUEUE = 'messages.summarize';

/**
 * The `messages.summarize` worker. At-least-once delivery: a job already finished is acknowledged untouched
 * (the reporter refuses to start it again), and one whose worker died mid-answer reads back the Coze chat it had
 * opened (summarize), so a redelivery never pays the bot twice for one summary.
 */
export async function startSummarizeConsumer(context: ServiceContext<MessagesConfig>, bots: SummaryBots | null): Promise<void> {
  await context.broker.consume<MessagesSummarizeJob>({
    queue: SUMMARIZE_QUEUE,
    prefetch: 2,
    maxAttempts: 3,
    schema: messagesSummarizeJobSchema,
    handle: async (job) => {
      const reporter = context.jobReporter(job.jobId);
      const running = await reporter.start();
      if (!running) return;
      const summary = await findSummary(context.pool, job.summaryId);
      if (!summary) {
        await reporter.fail(`没有总结 ${job.summaryId}`);
        return;
      }
      if (summary.status === 'succeeded') {
        // answered and stored before the job could be marked done (PostgreSQL went away): never ask Coze again
        await reporter.succeed({ summaryId: summary.id }, summary.summary ?? '');
        return;
      }
      if (!bots) {
        await finishSummary(context.pool, summary.id, { status: 'failed', error: SUMMARIES_OFF });
        await reporter.fail(SUMMARIES_OFF);
        return;
      }
      await summarize({ pool: context.pool, bots, timezone: context.config.DISPLAY_TIMEZONE, logger: context.logger }, summary, reporter);
      context.metrics.jobs.inc({ type: SUMMARIZE_QUEUE, status: (await findSummary(context.pool, summary.id))?.status ?? 'failed' });
    },
  });
}
