import { isCozeError, type CozeChatRef, type CozeChatResult } from '@doitcrm/coze';
import { retryOnConnectionLoss, type JobReporter, type Logger, type Pool } from '@doitcrm/kit';
import type { SummaryRecord } from '../contract.ts';
import { findCozeChat, finishSummary, markSummaryRunning, saveCozeChat, updateSummaryText } from '../data-access/summary-repository.ts';
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
  logger?: Pick<Logger, 'info' | 'warn'>;
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
  let saving: Promise<void> = Promise.resolve();
  // paid for from the moment Coze names it: a worker killed before the answer is stored leaves the chat to read back
  const remember = (chat: CozeChatRef) => {
    saving = retryOnConnectionLoss(() => saveCozeChat(deps.pool, summary.id, chat))
      .catch((error: unknown) => deps.logger?.warn({ err: error, summaryId: summary.id }, 'could not remember the Coze chat of a summary'));
  };
  const live = liveText(deps, summary, reporter);
  let result: CozeChatResult;
  try {
    result = await answerOfEarlierChat(deps, summary)
      ?? await askCoze(deps, summary, transcriptFor(summary, cohort.text, cohort.totalUsers, deps.timezone), live.onDelta, remember);
    await live.settled();
  } catch (error) {
    await live.settled();
    await saving;
    const message = isCozeError(error) ? error.message : `总结失败 (${error instanceof Error ? error.message : String(error)})`;
    await finishSummary(deps.pool, summary.id, { status: 'failed', error: message, durationMs: Date.now() - started });
    await reporter.fail(message);
    return;
  }
  await saving;
  // the answer is paid for: a PostgreSQL restart now must not throw it away (and the redelivery buy it again)
  const durationMs = Date.now() - started;
  await retryOnConnectionLoss(() => finishSummary(deps.pool, summary.id, { status: 'succeeded', summary: result.text, durationMs }));
  await retryOnConnectionLoss(() => reporter.succeed({ summaryId: summary.id, messageCount: cohort.totalMessages, durationMs }, SUMMARY_DONE));
}

/**
 * The text so far goes into the summary row (read by the audited summary stream), never into the job: at most one
 * write every TEXT_WRITE_INTERVAL_MS, one at a time and in order, so an older text never overwrites a newer one.
 */
function liveText(deps: SummarizeDeps, summary: SummaryRecord, reporter: JobReporter): { onDelta: (delta: string) => void; settled: () => Promise<void> } {
  let streamed = '';
  let lastWrite = 0;
  let writing = Promise.resolve();
  return {
    onDelta: (delta) => {
      streamed += delta;
      if (Date.now() - lastWrite < TEXT_WRITE_INTERVAL_MS) return;
      lastWrite = Date.now();
      const text = streamed;
      writing = writing.then(async () => {
        await updateSummaryText(deps.pool, summary.id, text);
        await reporter.progress(text.length, null);
        // the live text is a courtesy to watching pages: finishSummary writes the whole answer either way
      }).catch(() => {});
    },
    settled: () => writing,
  };
}

/** A new chat, its answer streamed into the summary row as it comes. */
function askCoze(deps: SummarizeDeps, summary: SummaryRecord, content: string, onDelta: (delta: string) => void,
  remember: (chat: CozeChatRef) => void): Promise<CozeChatResult> {
  return deps.bots.client.chat({
    botId: summary.botId,
    userId: `doitcrm_summary_${summary.id}`,
    content,
    onChatCreated: remember,
    onDelta,
  });
}

/**
 * The answer of the Coze chat an earlier delivery of this job opened (its worker died before storing it), read back
 * instead of bought again; null when there is none or Coze cannot give it (then a new chat is the only way).
 */
async function answerOfEarlierChat(deps: SummarizeDeps, summary: SummaryRecord): Promise<CozeChatResult | null> {
  const chat = await findCozeChat(deps.pool, summary.id);
  if (!chat) return null;
  const outcome = await deps.bots.client.resumeChat(chat);
  if (outcome.status === 'unavailable') {
    deps.logger?.warn({ summaryId: summary.id, chatId: chat.chatId, reason: outcome.reason }, 'the Coze chat of an earlier attempt cannot be read back; asking again');
    return null;
  }
  deps.logger?.info({ summaryId: summary.id, chatId: chat.chatId }, 'summary answered from the Coze chat an earlier attempt opened');
  return outcome.result;
}
