import {
  ConflictError, ValidationError, auditAs, recordAudit, submitJob, type Actor, type Pool, type SubmitJobDeps,
} from '@doitcrm/kit';
import type { SummaryMode } from '../contract.ts';
import { messagesOfPeople } from '../data-access/cohort-repository.ts';
import type { TimeWindow } from '../data-access/conversation-repository.ts';
import { findPeople } from '../data-access/person-repository.ts';
import { finishSummary, insertSummary } from '../data-access/summary-repository.ts';
import { NO_MESSAGES } from './summarize.ts';
import { SUMMARIES_OFF, type SummaryBots } from './summary-bots.ts';

/** The job queue of AI summaries; its worker is the summarize consumer. */
export const SUMMARIZE_QUEUE = 'messages.summarize';

export interface SummaryRequest {
  mode: SummaryMode;
  personIds: string[];
  window: TimeWindow;
  maxPerPerson: number;
}

export interface RequestSummaryDeps extends SubmitJobDeps {
  pool: Pool;
  bots: SummaryBots | null;
}

/**
 * Someone asks for an AI summary of people's messages: only the people with messages in the window are summarised
 * (none at all is refused, naming user_ids), and the summary row, its job, the audit row and the queue message go
 * out together. Coze not configured, or no bot for the mode, is refused before anything is written.
 */
export async function requestSummary(deps: RequestSummaryDeps, actor: Actor, request: SummaryRequest): Promise<{ summaryId: number; jobId: string }> {
  if (!deps.bots) throw new ConflictError(SUMMARIES_OFF);
  const botId = deps.bots.botFor(request.mode);
  if (!botId) throw new ConflictError('未配置老师总结机器人 COZE_TEACHER_BOT_ID (teacher bot not configured)', [{ field: 'mode', message: 'no bot for this mode' }]);
  const ids = [...new Set(request.personIds)];
  const counts = await messagesOfPeople(deps.pool, ids, request.window, 1);
  const withMessages = ids.filter((id) => (counts.get(id)?.total ?? 0) > 0);
  if (withMessages.length === 0) throw new ValidationError(NO_MESSAGES, [{ field: 'user_ids', message: NO_MESSAGES }]);
  const people = await findPeople(deps.pool, withMessages);
  const { window } = request;

  const { job, record: summary } = await submitJob(deps, {
    type: SUMMARIZE_QUEUE,
    params: { mode: request.mode, people: withMessages.length },
    actor,
    within: async (client, created) => {
      const inserted = await insertSummary(client, {
        jobId: created.id, mode: request.mode, subjectIds: withMessages, subjectNames: withMessages.map((id) => people.get(id)?.displayName ?? id),
        windowStart: window.start, windowEnd: window.end, maxPerPerson: request.maxPerPerson, botId, createdBy: actor.userId,
      });
      // the transcript leaves for a third party: recorded like a write
      await recordAudit(client, auditAs(actor, {
        service: 'messages', action: 'messages.summary.create', targetType: 'summary', targetId: inserted.id,
        details: { people: withMessages, mode: request.mode, start: window.start.toISOString(), end: window.end.toISOString() },
      }));
      return inserted;
    },
    payload: ({ jobId, userId, record }) => ({ jobId, summaryId: record.id, userId }),
    onUnqueued: (created, reason) => finishSummary(deps.pool, created.id, { status: 'failed', error: reason }),
  });
  return { summaryId: summary.id, jobId: job.id };
}
