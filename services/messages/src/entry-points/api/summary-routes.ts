import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  NotFoundError, actorFromRequest, findJob, parseBody, parseParams, parseQuery, requireRole, type ServiceContext,
} from '@doitcrm/kit';
import type { MessagesConfig } from '../../config.ts';
import type { SummariesStatus, SummaryRecord } from '../../contract.ts';
import { findSummary, listSummaries } from '../../data-access/summary-repository.ts';
import { requestSummary } from '../../domain/request-summary-use-case.ts';
import { SUMMARIES_OFF, type SummaryBots } from '../../domain/summary-bots.ts';
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
    const created = await requestSummary({ pool, broker: context.broker, bots }, actorFromRequest(req), {
      mode: body.mode, personIds: body.user_ids, window: resolveWindow(body), maxPerPerson: body.max_messages_per_user,
    });
    res.status(202).json(created);
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
