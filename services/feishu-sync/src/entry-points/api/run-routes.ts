import { Router } from 'express';
import {
  actorFromRequest, ConflictError, findJob, NotFoundError, parseBody, parseParams, parseQuery, requireRole, TERMINAL_JOB_STATUSES, toCsv,
  UnavailableError, type JobSnapshot, type Pool, type ServiceContext,
} from '@doitcrm/kit';
import type { FeishuSyncConfig } from '../../config.ts';
import { rollbackBodySchema, runIdParams, runListQuery, uploadIdBodySchema } from '../../contract.ts';
import { findRun, listRuns, type SyncRun } from '../../data-access/run-repository.ts';
import { findUpload } from '../../data-access/upload-repository.ts';
import { FEISHU_NOT_CONFIGURED, type FeishuConnection } from '../../domain/feishu-connection.ts';
import { requestSync } from '../../domain/request-sync.ts';
import { requestRollback } from '../../domain/request-rollback.ts';
import { testConnection } from '../../domain/test-connection.ts';

/** A run as the history shows it: the plan (every row of the export) stays in the database. */
export function runView(run: SyncRun) {
  const { plan: _plan, ...rest } = run;
  const durationMs = run.startedAt && run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
  return { ...rest, counters: rest.counters as Record<string, number>, durationMs };
}

const ROLLBACK_WAIT_MS = 10 * 60_000;

/** A job once it ended (polled: the answer of a request that asked to wait, not a live view). */
async function endedJob(pool: Pool, jobId: string): Promise<JobSnapshot> {
  const deadline = Date.now() + ROLLBACK_WAIT_MS;
  for (;;) {
    const job = await findJob(pool, jobId);
    if (job && TERMINAL_JOB_STATUSES.has(job.status)) return job;
    if (Date.now() > deadline) throw new UnavailableError(`回滚仍在进行（任务 ${jobId}），稍后在历史中查看`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function runOr404(context: ServiceContext, id: number): Promise<SyncRun> {
  const run = await findRun(context.pool, id);
  if (!run) throw new NotFoundError(`没有第 ${id} 次同步`);
  return run;
}

/** Sync runs: start one (a job), the history, one run and its live progress, its error report, rollback; the connection test. */
export function createRunRoutes(context: ServiceContext<FeishuSyncConfig>, connection: FeishuConnection | null): Router {
  const router = Router();
  const configured = (): FeishuConnection => {
    if (!connection) throw new ConflictError(FEISHU_NOT_CONFIGURED);
    return connection;
  };

  router.post('/runs', requireRole('staff'), async (req, res) => {
    const { uploadId } = parseBody(uploadIdBodySchema, req);
    configured();
    const { run, jobId } = await requestSync(context, actorFromRequest(req), uploadId);
    res.status(202).json({ runId: run.id, jobId });
  });

  router.get('/runs', async (req, res) => {
    const { limit } = parseQuery(runListQuery, req);
    res.json({ items: (await listRuns(context.pool, limit)).map(runView) });
  });

  router.get('/runs/:id', async (req, res) => {
    res.json(runView(await runOr404(context, parseParams(runIdParams, req).id)));
  });

  router.get('/runs/:id/events', async (req, res) => {
    const run = await runOr404(context, parseParams(runIdParams, req).id);
    const job = run.jobId ? await findJob(context.pool, run.jobId) : null;
    if (!job) throw new NotFoundError('这次同步没有任务进度');
    await context.jobRoutes.stream(req, res, job, { event: 'job', render: (snapshot) => snapshot });
  });

  router.get('/runs/:id/errors.csv', async (req, res) => {
    const run = await runOr404(context, parseParams(runIdParams, req).id);
    // once retention deleted the upload, its bad rows are gone too: the report then holds the run's failure only
    const upload = run.uploadId === null ? null : await findUpload(context.pool, run.uploadId);
    const rows = [
      ...(upload?.rowErrors ?? []).map((e) => ({ kind: '文件校验', row: e.row, column: e.column, message: e.message })),
      ...(run.error ? [{ kind: '同步', row: null, column: null, message: run.error }] : []),
    ];
    res.attachment(`飞书同步-${run.id}-错误报告.csv`).type('text/csv; charset=utf-8').send(toCsv(rows, [
      { header: '类型', value: (r) => r.kind }, { header: '行', value: (r) => r.row }, { header: '列', value: (r) => r.column },
      { header: '说明', value: (r) => r.message },
    ]));
  });

  router.post('/runs/:id/rollback', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(runIdParams, req);
    const { wait } = parseBody(rollbackBodySchema, req);
    configured();
    const { jobId } = await requestRollback(context, actorFromRequest(req), id);
    if (!wait) {
      res.status(202).json({ runId: id, jobId });
      return;
    }
    const job = await endedJob(context.pool, jobId);
    if (job.status !== 'succeeded') throw new UnavailableError(`回滚中途停止，再次回滚会从停下处继续：${job.error ?? job.status}`);
    res.json(job.result);
  });

  router.post('/test-connection', requireRole('staff'), async (_req, res) => {
    const conn = configured();
    res.json(await testConnection(conn.newClient(), conn.tables));
  });

  return router;
}
