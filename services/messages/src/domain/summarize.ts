import { isCozeError } from '@doitcrm/coze';
import { retryOnConnectionLoss, type JobReporter, type Pool } from '@doitcrm/kit';
import type { SummaryRecord } from '../contract.ts';
import { finishSummary, markSummaryRunning, updateSummaryText } from '../data-access/summary-repository.ts';
import { aggregateCohort } from './aggregate-cohort.ts';
import { formatLocalTime } from './beijing-time.ts';
import type { SummaryBots } from './summary-bots.ts';

/** What one chat may carry: beyond it the transcript is cut (and says so) rather than refused by the bot. */
export const MAX_TRANSCRIPT_CHARS = 60_000;
export const NO_MESSAGES = '该时间范围内没有消息数据 (no messages in the window)';
/** The job's closing message: the text itself stays in insight.summaries. */
export const SUMMARY_DONE = '总结完成';
/**
 * How often the text so far is written for watching pages. Just above the job reporter's 250 ms publish throttle,
 * so each write is followed by a progress event that makes the summary stream read it.
 */
const TEXT_WRITE_INTERVAL_MS = 300;

export interface SummarizeDeps {
  pool: Pool;
  bots: SummaryBots;
  timezone: string;
}

/** The transcript sent to the bot: a title line with the window, then the cohort text (newest kept per person). */
export function transcriptFor(summary: SummaryRecord, text: string, people: number, timezone: string): string {
  const day = (iso: string) => formatLocalTime(iso, timezone).slice(0, 10);
  const title = `${summary.mode === 'teacher' ? '老师' : '家长'}沟通记录：${people}人 (${day(summary.windowStart)} ~ ${day(summary.windowEnd)})`;
  const body = text.length > MAX_TRANSCRIPT_CHARS ? `${text.slice(0, MAX_TRANSCRIPT_CHARS)}\n…（内容过长，其余省略）` : text;
  return `${title}\n\n${body}`;
}

/**
 * Runs one summary: gathers the inputs as they are now, writes the bot's answer into the summary row as it grows
 * (pages watch it over the audited `/api/summaries/:id/events`; the job carries only its length, as progress), and
 * stores the result with its inputs. Failures are stored with Coze's explanation.
 */
export async function summarize(deps: SummarizeDeps, summary: SummaryRecord, reporter: JobReporter): Promise<void> {
  const cohort = await aggregateCohort(deps.pool, summary.subjectIds, { start: new Date(summary.windowStart), end: new Date(summary.windowEnd) },
    summary.maxPerPerson, deps.timezone);
  if (cohort.totalMessages === 0) {
    await finishSummary(deps.pool, summary.id, { status: 'failed', error: NO_MESSAGES, messageCount: 0 });
    await reporter.fail(NO_MESSAGES);
    return;
  }
  await markSummaryRunning(deps.pool, summary.id, cohort.totalMessages);
  await reporter.progress(0, null);
  const started = Date.now();
  let streamed = '';
  let lastWrite = 0;
  // one write at a time, in order: an older text must never overwrite a newer one
  let writing = Promise.resolve();
  let result: Awaited<ReturnType<SummaryBots['client']['chat']>>;
  try {
    result = await deps.bots.client.chat({
      botId: summary.botId,
      userId: `doitcrm_summary_${summary.id}`,
      content: transcriptFor(summary, cohort.text, cohort.totalUsers, deps.timezone),
      onDelta: (delta) => {
        streamed += delta;
        if (Date.now() - lastWrite < TEXT_WRITE_INTERVAL_MS) return;
        lastWrite = Date.now();
        const text = streamed;
        writing = writing.then(async () => {
          await updateSummaryText(deps.pool, summary.id, text);
          await reporter.progress(text.length, null);
          // the live text is a courtesy to watching pages: finishSummary below writes the whole answer either way
        }).catch(() => {});
      },
    });
    await writing;
  } catch (error) {
    await writing;
    const message = isCozeError(error) ? error.message : `总结失败 (${error instanceof Error ? error.message : String(error)})`;
    await finishSummary(deps.pool, summary.id, { status: 'failed', error: message, durationMs: Date.now() - started });
    await reporter.fail(message);
    return;
  }
  // the answer is paid for: a PostgreSQL restart now must not throw it away (and the redelivery buy it again)
  const durationMs = Date.now() - started;
  await retryOnConnectionLoss(() => finishSummary(deps.pool, summary.id, { status: 'succeeded', summary: result.text, durationMs }));
  await retryOnConnectionLoss(() => reporter.succeed({ summaryId: summary.id, messageCount: cohort.totalMessages, durationMs }, SUMMARY_DONE));
}
