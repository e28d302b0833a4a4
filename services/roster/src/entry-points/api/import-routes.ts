import { Router } from 'express';
import {
  NotFoundError, ValidationError, actorFromRequest, auditFromRequest, auditRead, parseBody, parseParams, parseQuery, receiveUpload, recordAudit, requireRole,
  type ServiceContext,
} from '@doitcrm/kit';
import type { RosterConfig } from '../../config.ts';
import type { RosterConfigInfo } from '../../contract.ts';
import { findImport, listImports, markDiscarded } from '../../data-access/import-repository.ts';
import { readSettings } from '../../data-access/settings-repository.ts';
import { commitImport } from '../../domain/commit-import.ts';
import { editDraft } from '../../domain/edit-draft.ts';
import type { NationalIdCipher } from '../../domain/national-id.ts';
import { loadPreview, previewUpload } from '../../domain/preview-import.ts';
import { undoImport } from '../../domain/undo-import.ts';
import { STUDENT_STATUSES } from '../../domain/statuses.ts';
import { commitBody, draftEditBody, importIdParams, importsQuery, kindField } from './import-schemas.ts';
import { importJson, previewJson } from './preview-json.ts';

export function createImportRoutes(context: ServiceContext<RosterConfig>, cipher: NationalIdCipher | null): Router {
  const router = Router();
  const { pool } = context;
  const maxUploadBytes = Math.round(context.config.ROSTER_MAX_UPLOAD_MB * 1024 * 1024);

  router.get('/config', async (_req, res) => {
    const settings = await readSettings(pool);
    const info: RosterConfigInfo = { maxUploadBytes, storeNationalId: settings.storeNationalId, statuses: [...STUDENT_STATUSES] };
    res.json(info);
  });

  router.get('/imports', requireRole('staff'), async (req, res) => {
    const query = parseQuery(importsQuery, req);
    const page = await listImports(pool, query);
    res.json({ items: page.items.map(importJson), nextCursor: page.nextCursor });
  });

  router.post('/imports', requireRole('staff'), async (req, res) => {
    const upload = await receiveUpload(req, { maxBytes: maxUploadBytes, limitSetting: 'ROSTER_MAX_UPLOAD_MB', defaultFileName: 'roster.csv' });
    const kind = kindField.safeParse(upload.fields.kind || undefined);
    if (!kind.success) throw new ValidationError('kind 只能是 matrix 或 enrolment', [{ field: 'kind', message: 'must be matrix or enrolment' }]);
    const preview = await previewUpload(pool, { bytes: upload.bytes, fileName: upload.fileName, kind: kind.data }, actorFromRequest(req), cipher);
    res.status(201).json(previewJson(preview));
  });

  router.get('/imports/:id', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(importIdParams, req);
    const preview = await loadPreview(pool, id);
    if (!preview) throw new NotFoundError(`没有导入记录 ${id}`);
    // a reopened preview shows the file's pupils with their guardians' phones and addresses: recorded like any read of them
    await auditRead(pool, req, { service: 'roster', action: 'roster.import.view', targetType: 'roster_import', targetId: id });
    res.json(previewJson(preview));
  });

  router.patch('/imports/:id/draft', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(importIdParams, req);
    const body = parseBody(draftEditBody, req);
    await editDraft(pool, id, body.edits, actorFromRequest(req));
    res.json(previewJson((await loadPreview(pool, id))!));
  });

  router.post('/imports/:id/commit', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(importIdParams, req);
    const body = parseBody(commitBody, req);
    const report = await commitImport(pool, id, body, actorFromRequest(req));
    const record = await findImport(pool, id);
    res.json({ report, import: importJson(record!) });
  });

  router.post('/imports/:id/undo', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(importIdParams, req);
    const result = await undoImport(pool, id, actorFromRequest(req));
    const record = await findImport(pool, id);
    res.json({ ...result, import: importJson(record!) });
  });

  router.delete('/imports/:id', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(importIdParams, req);
    await markDiscarded(pool, id);
    await recordAudit(pool, auditFromRequest(req, { service: 'roster', action: 'roster.import.discard', targetType: 'roster_import', targetId: id }));
    res.status(204).end();
  });

  return router;
}
