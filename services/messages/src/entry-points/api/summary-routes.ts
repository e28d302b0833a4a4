import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  ConflictError, NotFoundError, UnavailableError, ValidationError, auditFromRequest, findJob, finishJob, insertJob, parseBody, parseParams,
  parseQuery, recordAudit, requireRole, withTransaction, type ServiceContext,
} from '@doitcrm/kit';
import type { MessagesSummarizeJob } from '@doitcrm/types';
import type { MessagesConfig } from '../../config.ts';
import type { SummariesStatus, SummaryRecord } from '../../contract.ts';
import { messagesOfPeople } from '../../data-access/cohort-repository.ts';
import { findPeople } from '../../data-access/person-repository.ts';
import { findSummary, finishSummary, insertSummary, listSummaries } from '../../data-access/summary-repository.ts';
import { NO_MESSAGES } from '../../domain/summarize.ts';
import { SUMMARIES_OFF, type SummaryBots } from '../../domain/summary-bots.ts';
import { SUMMARIZE_QUEUE } from '../queue/summarize-consumer.ts';
import { resolveWindow, summariesQuery, summaryBody } from './schemas.ts';
import { auditView } from './view-audit.ts';

export const summaryIdParams = z.object({ id: z.coerce.number().int().positive() });

/**
 * AI summaries: a POST queues a `messages.summarize` job; the text streams over `/api/summaries/:id/events`, audited
 * like every other read of a summary (the job itself carries no text).
 */
export function createSummaryRoutes(context: ServiceContext<MessagesConfig>, bots: SummaryBots | null): Router {
  const router = Router();
  const { pool } = context;

  router.get('/summaries/status', (_req, res) => {
    const body: SummariesStatus = { enabled: bots !== null, message: bots ? null : SUMMARIES_OFF };
    res.json(body);
  });

  router.post('/summaries', requireRole('staff'), async (req, res) => {
    const body = parseBody(summaryBody, req);
    if (!bots) throw new ConflictError(SUMMARIES_OFF);
    const botId = bots.botFor(body.mode);
    if (!botId) throw new ConflictError('未配置老师总结机器人 COZE_TEACHER_BOT_ID (teacher bot not configured)', [{ field: 'mode', message: 'no bot for this mode' }]);
    const window = resolveWindow(body);
    const ids = [...new Set(body.user_ids)];
    const counts = await messagesOfPeople(pool, ids, window, 1);
    const withMessages = ids.filter((id) => (counts.get(id)?.total ?? 0) > 0);
    if (withMessages.length === 0) throw new ValidationError(NO_MESSAGES, [{ field: 'user_ids', message: NO_MESSAGES }]);
    const people = await findPeople(pool, withMessages);
    const createdBy = req.user?.id ?? null;
    const summary = await withTransaction(pool, async (client) => {
      const job = await insertJob(client, { type: SUMMARIZE_QUEUE, params: { mode: body.mode, people: withMessages.length }, createdBy });
      const created = await insertSummary(client, {
        jobId: job.id, mode: body.mode, subjectIds: withMessages, subjectNames: withMessages.map((id) => people.get(id)?.displayName ?? id),
        windowStart: window.start, windowEnd: window.end, maxPerPerson: body.max_messages_per_user, botId, createdBy,
      });
      // the transcript leaves for a third party: recorded like a write
      await recordAudit(client, auditFromRequest(req, {
        service: 'messages', action: 'messages.summary.create', targetType: 'summary', targetId: created.id,
        details: { people: withMessages, mode: body.mode, start: window.start.toISOString(), end: window.end.toISOString() },
      }));
      return created;
    });
    const message: MessagesSummarizeJob = { jobId: summary.jobId!, summaryId: summary.id, userId: createdBy };
    try {
      await context.broker.sendJob(SUMMARIZE_QUEUE, message);
    } catch (error) {
      await finishJob(pool, summary.jobId!, { status: 'failed', error: '无法提交到任务队列 (RabbitMQ unreachable)' });
      await finishSummary(pool, summary.id, { status: 'failed', error: '无法提交到任务队列 (RabbitMQ unreachable)' });
      throw new UnavailableError('任务队列暂不可用，请稍后重试 (RabbitMQ unreachable)', error);
    }
    res.status(202).json({ summaryId: summary.id, jobId: summary.jobId });
  });

  router.get('/summaries', async (req, res) => {
    const query = parseQuery(summariesQuery, req);
    const items = await listSummaries(pool, { personId: query.user_id, limit: query.limit });
    // summaries retell people's messages: reading them is recorded like reading the messages
    await auditView(pool, req, 'messages.summary.list', { type: 'person', id: query.user_id ?? null }, { summaries: items.map((item) => item.id) });
    res.json({ items });
  });

  router.get('/summaries/:id', async (req, res) => {
    const summary = await loadSummary(req);
    await auditView(pool, req, 'messages.summary.view', { type: 'summary', id: String(summary.id) }, { people: summary.subjectIds });
    res.json(summary);
  });

  // the text as the bot writes it: each progress event of the job makes the stream read the row again
  router.get('/summaries/:id/events', async (req, res) => {
    const summary = await loadSummary(req);
    await auditView(pool, req, 'messages.summary.view', { type: 'summary', id: String(summary.id) }, { people: summary.subjectIds, live: true });
    const job = summary.jobId ? await findJob(pool, summary.jobId) : null;
    const latest = async () => (await findSummary(pool, summary.id)) ?? summary;
    if (!job) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform' });
      res.end(`event: summary\ndata: ${JSON.stringify(await latest())}\n\n`);
      return;
    }
    await context.jobRoutes.stream(req, res, job, { event: 'summary', render: latest });
  });

  async function loadSummary(req: Request): Promise<SummaryRecord> {
    const { id } = parseParams(summaryIdParams, req);
    const summary = await findSummary(pool, id);
    if (!summary) throw new NotFoundError(`没有总结 ${id}`);
    return summary;
  }

  return router;
}
