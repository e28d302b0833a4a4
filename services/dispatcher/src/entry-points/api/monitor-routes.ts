import { Router } from 'express';
import { actorFromRequest, auditReadAlongside, parseBody, parseParams, parseQuery, requireRole, ValidationError, type ServiceContext } from '@doitcrm/kit';
import type { DispatcherConfig } from '../../config.ts';
import { changeConfig, listConfigs } from '../../domain/manage-configs.ts';
import { findMessages, readTrace, retryFailed } from '../../domain/monitor-messages.ts';
import { statisticsOverview, statisticsRealtime } from '../../domain/statistics.ts';
import {
  configBodySchema, configKeyParamsSchema, messageIdParamsSchema, messageQuerySchema, overviewQuerySchema, retryFailedBodySchema, traceParamsSchema,
} from './monitor-schemas.ts';

/** `If-Match: 3` or `If-Match: "3"` (an ETag as a browser echoes it); absent → null. */
function ifMatchVersion(header: string | undefined): number | null {
  if (header === undefined) return null;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/u.exec(header);
  if (!match) throw new ValidationError('If-Match 须是配置的版本号', [{ field: 'If-Match', message: '版本号，如 "3"' }]);
  return Number(match[1]);
}

/** The monitor's API: hot configuration, message search and traces, retries of failures, statistics. */
export function createMonitorRoutes(context: ServiceContext<DispatcherConfig>): Router {
  const router = Router();
  const { pool } = context;

  router.get('/config/configs', async (_req, res) => {
    res.json({ items: await listConfigs(pool) });
  });

  router.put('/config/configs/:key', requireRole('admin'), async (req, res) => {
    const { key } = parseParams(configKeyParamsSchema, req);
    const { value, version } = parseBody(configBodySchema, req);
    const headerVersion = ifMatchVersion(req.get('if-match'));
    if (headerVersion !== null && version !== undefined && headerVersion !== version) {
      throw new ValidationError('If-Match 与 version 不一致', [{ field: 'version', message: `If-Match 是 ${headerVersion}` }]);
    }
    const entry = await changeConfig(pool, actorFromRequest(req), key, value, headerVersion ?? version ?? null);
    res.set('ETag', `"${entry.version}"`).json(entry);
  });

  router.get('/messages', async (req, res) => {
    const { cursor, limit, ...filter } = parseQuery(messageQuerySchema, req);
    res.json(await findMessages(pool, actorFromRequest(req), filter, cursor, limit ?? 50));
  });

  router.get('/messages/traces/:traceId', async (req, res) => {
    const { traceId } = parseParams(traceParamsSchema, req);
    const entry = { service: 'dispatcher', action: 'dispatcher.trace.view', targetType: 'trace', targetId: traceId };
    res.json(await auditReadAlongside(pool, req, entry, readTrace(pool, actorFromRequest(req), traceId)));
  });

  router.post('/messages/retry-failed', requireRole('staff'), async (req, res) => {
    const body = parseBody(retryFailedBodySchema, req);
    const scope = body.batch_id !== undefined ? { batchId: body.batch_id } : { templateId: body.template_id! };
    res.json(await retryFailed(pool, actorFromRequest(req), scope));
  });

  router.post('/messages/:id/retry', requireRole('staff'), async (req, res) => {
    res.json(await retryFailed(pool, actorFromRequest(req), { messageId: parseParams(messageIdParamsSchema, req).id }));
  });

  router.get('/messages/statistics/overview', async (req, res) => {
    res.json(await statisticsOverview(pool, parseQuery(overviewQuerySchema, req)));
  });

  router.get('/messages/statistics/realtime', async (_req, res) => {
    res.json(await statisticsRealtime(context));
  });

  return router;
}
