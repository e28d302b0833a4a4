import { Router } from 'express';
import { ConflictError, actorFromRequest, parseQuery, requireRole, type ServiceContext } from '@doitcrm/kit';
import { WECOM_NOT_CONFIGURED, type WecomClient } from '@doitcrm/wecom';
import type { ContactsSyncConfig } from '../../config.ts';
import { syncStartQuerySchema } from '../../contract.ts';
import { requestSync } from '../../domain/request-sync.ts';
import { syncStatus } from '../../domain/sync-status.ts';
import { testSync } from '../../domain/test-sync.ts';

/** The seed's sync API (seeds/004): start a run, see the runs, test the WeCom setup. `client` is null when unconfigured. */
export function createSyncRoutes(context: ServiceContext<ContactsSyncConfig>, client: WecomClient | null): Router {
  const router = Router();

  router.post('/v1/wecom/sync/contacts', requireRole('staff'), async (req, res) => {
    const query = parseQuery(syncStartQuerySchema, req);
    if (!client) throw new ConflictError(WECOM_NOT_CONFIGURED);
    const { run, jobId } = await requestSync(context, actorFromRequest(req), query);
    res.status(202).json({ runId: run.id, jobId, pass: run.pass, resumedFrom: run.resumedFrom });
  });

  router.get('/v1/wecom/sync/status', async (_req, res) => {
    res.json(await syncStatus(context.pool));
  });

  router.post('/v1/wecom/sync/test', requireRole('staff'), async (_req, res) => {
    if (!client) throw new ConflictError(WECOM_NOT_CONFIGURED);
    res.json(await testSync(client, context.config.CONTACTS_SYNC_MEMBERS_PER_BATCH));
  });

  return router;
}
