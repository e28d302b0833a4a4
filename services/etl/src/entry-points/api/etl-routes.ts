import fs from 'node:fs';
import { Router } from 'express';
import { z } from 'zod';
import {
  NotFoundError, ValidationError, actorFromRequest, auditRead, parseParams, parseQuery, requireRole, submitJob, type ServiceContext,
} from '@doitcrm/kit';
import { readArchiveStats } from '../../data-access/archive-stats-repository.ts';
import { findRun, findRunReport, listQuarantine, listRuns } from '../../data-access/import-run-repository.ts';
import type { EtlConfig } from '../../config.ts';
import { conflictModeSchema } from '../../contract.ts';
import { receiveUpload } from './upload.ts';

export const ACCEPTED_EXTENSIONS = ['.jsonl', '.json', '.txt', '.gz', '.jsonl.gz'];
export const runIdParams = z.object({ id: z.coerce.number().int().positive() });
export const runsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), before: z.coerce.number().int().positive().optional() });
export const quarantineQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), afterLine: z.coerce.number().int().min(0).optional() });

export function createEtlRoutes(context: ServiceContext<EtlConfig>): Router {
  const router = Router();
  const { pool, config } = context;
  const maxUploadBytes = config.MAX_UPLOAD_MB * 1024 * 1024;

  router.get('/config', (_req, res) => {
    res.json({ maxUploadBytes, acceptedExtensions: ACCEPTED_EXTENSIONS });
  });

  router.get('/stats', async (_req, res) => {
    const [stats, runs] = await Promise.all([readArchiveStats(pool), listRuns(pool, { limit: 1 })]);
    res.json({ ...stats, lastRun: runs.items[0] ?? null });
  });

  router.get('/runs', async (req, res) => {
    const query = parseQuery(runsQuery, req);
    res.json(await listRuns(pool, { limit: query.limit, before: query.before }));
  });

  router.get('/runs/:id', async (req, res) => {
    const { id } = parseParams(runIdParams, req);
    const run = await findRun(pool, id);
    if (!run) throw new NotFoundError(`没有导入记录 ${id}`);
    res.json(run);
  });

  // quarantined lines are chat records (families' messages): staff only, and every look is audited
  router.get('/runs/:id/quarantine', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(runIdParams, req);
    const query = parseQuery(quarantineQuery, req);
    if (!(await findRun(pool, id))) throw new NotFoundError(`没有导入记录 ${id}`);
    await auditRead(pool, req, { service: 'etl', action: 'etl.quarantine.view', targetType: 'import_run', targetId: id });
    res.json(await listQuarantine(pool, id, { limit: query.limit, afterLine: query.afterLine }));
  });

  // the quarantined lines as they were, one per line, so an operator can fix them and import the file again
  router.get('/runs/:id/quarantine.jsonl', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(runIdParams, req);
    if (!(await findRun(pool, id))) throw new NotFoundError(`没有导入记录 ${id}`);
    await auditRead(pool, req, { service: 'etl', action: 'etl.quarantine.download', targetType: 'import_run', targetId: id });
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="quarantine-run-${id}.jsonl"`);
    let afterLine: number | undefined;
    for (;;) {
      const page = await listQuarantine(pool, id, { limit: 1_000, afterLine });
      for (const item of page.items) res.write(`${item.rawText.replace(/\r?\n/g, ' ')}\n`);
      if (page.nextCursor === null) break;
      afterLine = page.nextCursor;
    }
    res.end();
  });

  // a migration's report names students and parents it could not import: staff only, and every download is audited
  router.get('/runs/:id/report', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(runIdParams, req);
    const report = await findRunReport(pool, id);
    if (!report) throw new NotFoundError(`导入记录 ${id} 没有迁移报告`);
    await auditRead(pool, req, { service: 'etl', action: 'etl.legacy-report.download', targetType: 'import_run', targetId: id });
    res.setHeader('Content-Disposition', `attachment; filename="legacy-import-run-${id}.json"`);
    res.json(report);
  });

  router.post('/imports', requireRole('staff'), async (req, res) => {
    const upload = await receiveUpload(req, { uploadDir: config.UPLOAD_DIR, maxBytes: maxUploadBytes });
    try {
      const conflict = conflictModeSchema.safeParse(upload.fields.conflict ?? 'skip');
      if (!conflict.success) throw new ValidationError('conflict 只能是 skip 或 update', [{ field: 'conflict', message: 'must be skip or update' }]);
      const { job } = await submitJob(context, {
        type: 'etl.import',
        params: { originalName: upload.originalName, size: upload.size, conflict: conflict.data },
        actor: actorFromRequest(req),
        audit: { service: 'etl', action: 'etl.import.upload', details: { file: upload.originalName, size: upload.size, conflict: conflict.data } },
        payload: ({ jobId, userId }) => ({ jobId, filePath: upload.filePath, originalName: upload.originalName, conflict: conflict.data, userId }),
      });
      res.status(202).json({ jobId: job.id });
    } catch (error) {
      // no worker will ever take this file (submitJob has failed its job, if it had one): it must not stay on the disk
      await fs.promises.rm(upload.filePath, { force: true });
      throw error;
    }
  });

  // only the ETL's own jobs: the other services' jobs (AI summaries among them) are not this page's to show
  router.use(context.jobRoutes.routerFor(['etl.import']));
  return router;
}
