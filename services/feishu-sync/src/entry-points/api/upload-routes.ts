import { Router } from 'express';
import { auditRead, ConflictError, parseBody, receiveUpload, recordAudit, auditFromRequest, requireRole, type ServiceContext } from '@doitcrm/kit';
import type { FeishuSyncConfig } from '../../config.ts';
import { fieldMappingSchema, uploadIdBodySchema } from '../../contract.ts';
import { readMapping, saveMapping } from '../../data-access/mapping-repository.ts';
import { acceptUpload } from '../../domain/accept-upload.ts';
import { dryRun } from '../../domain/dry-run.ts';
import { FEISHU_NOT_CONFIGURED, type FeishuConnection } from '../../domain/feishu-connection.ts';
import { sampleCsv } from '../../domain/sample-file.ts';

/** Upload and check an export, the column mapping, the sample file, and the dry run. */
export function createUploadRoutes(context: ServiceContext<FeishuSyncConfig>, connection: FeishuConnection | null): Router {
  const router = Router();
  const maxMb = context.config.FEISHU_SYNC_MAX_UPLOAD_MB;

  router.post('/uploads', requireRole('staff'), async (req, res) => {
    const file = await receiveUpload(req, { maxBytes: Math.round(maxMb * 1024 * 1024), limitSetting: 'FEISHU_SYNC_MAX_UPLOAD_MB', defaultFileName: 'export.csv' });
    const answer = await acceptUpload(context.pool, { ...file, userId: req.user?.id ?? null }, maxMb);
    await auditRead(context.pool, req, {
      service: 'feishu-sync', action: 'feishu.upload.preview', targetType: 'feishu_upload', targetId: String(answer.uploadId),
      details: { fileName: answer.fileName, rows: answer.totalRows, shown: answer.preview.length },
    });
    res.status(201).json(answer);
  });

  router.get('/settings', (_req, res) => {
    res.json({ maxUploadMb: maxMb, feishuConfigured: connection !== null });
  });

  router.get('/mapping', async (_req, res) => {
    res.json(await readMapping(context.pool));
  });

  router.put('/mapping', requireRole('staff'), async (req, res) => {
    const mapping = parseBody(fieldMappingSchema, req);
    await saveMapping(context.pool, mapping, req.user?.id ?? null);
    await recordAudit(context.pool, auditFromRequest(req, { service: 'feishu-sync', action: 'feishu.mapping.save', details: mapping }));
    res.json(mapping);
  });

  router.get('/sample.csv', (_req, res) => {
    res.attachment('小鹅通导出示例.csv').type('text/csv; charset=utf-8').send(sampleCsv());
  });

  router.post('/dry-run', requireRole('staff'), async (req, res) => {
    const { uploadId } = parseBody(uploadIdBodySchema, req);
    if (!connection) throw new ConflictError(FEISHU_NOT_CONFIGURED);
    const answer = await dryRun(context.pool, connection, uploadId, context.config.FEISHU_SYNC_BATCH_SIZE);
    await auditRead(context.pool, req, {
      service: 'feishu-sync', action: 'feishu.dry-run.view', targetType: 'feishu_upload', targetId: String(uploadId),
      details: { counts: answer.counts },
    });
    res.json(answer);
  });

  return router;
}
