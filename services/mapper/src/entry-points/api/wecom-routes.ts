import { Router } from 'express';
import { z } from 'zod';
import { redactUrl } from '@doitcrm/db';
import {
  ConflictError, actorFromRequest, auditFromRequest, parseBody, recordAudit, requireRole, submitJob, type ServiceContext,
} from '@doitcrm/kit';
import { mappingFilterSchema } from '@doitcrm/types';
import { WECOM_NOT_CONFIGURED, type WecomClient } from '@doitcrm/wecom';
import type { MapperConfig } from '../../config.ts';
import type { WecomStatus } from '../../contract.ts';
import { FETCH_NAMES_QUEUE } from '../queue/fetch-names-consumer.ts';

export const fetchNamesBody = z.object({
  idType: z.enum(['user_id', 'room_id']),
  filter: mappingFilterSchema.optional(),
  // by default only names never fetched: ids WeCom will not name are not asked again
  onlyPending: z.boolean().default(true),
});


/**
 * WeCom features of the mapper: the nickname job, and what an operator needs to set WeCom up. `client` is null
 * when no corp id and secret are configured; the routes then say what to set instead of failing later.
 */
export function createWecomRoutes(context: ServiceContext<MapperConfig>, client: WecomClient | null): Router {
  const router = Router();
  const { pool, config } = context;

  router.post('/fetch-names', requireRole('staff'), async (req, res) => {
    const body = parseBody(fetchNamesBody, req);
    if (!client) throw new ConflictError(WECOM_NOT_CONFIGURED);
    const params = { idType: body.idType, filter: body.filter ?? {}, onlyPending: body.onlyPending };
    const { job } = await submitJob(context, {
      type: FETCH_NAMES_QUEUE, params, actor: actorFromRequest(req),
      audit: { service: 'mapper', action: `${FETCH_NAMES_QUEUE}.start`, details: params },
      payload: ({ jobId, userId }) => ({ jobId, ...params, userId }),
    });
    res.status(202).json({ jobId: job.id });
  });

  router.get('/wecom/status', (_req, res) => {
    const status: WecomStatus = {
      configured: client !== null,
      baseUrl: shownUrl(config.WECOM_BASE_URL),
      corpId: config.WECOM_CORP_ID ?? null,
      archiveSecret: Boolean(config.WECOM_ARCHIVE_SECRET),
    };
    res.json(status);
  });

  // calls WeCom with the configured secrets: staff only, and audited like any use of them
  router.get('/wecom/test-connection', requireRole('staff'), async (req, res) => {
    if (!client) throw new ConflictError(WECOM_NOT_CONFIGURED);
    const result = await client.testConnection();
    await recordAudit(pool, auditFromRequest(req, {
      service: 'mapper', action: 'mapper.wecom.test-connection', targetType: 'wecom', targetId: client.corpId,
      details: result.ok ? { ok: true } : { ok: false, errcode: result.errcode, kind: result.kind, step: result.step, secret: result.secret },
    }));
    res.json(result);
  });

  return router;
}

/** A proxy URL may carry a password; anything else is shown as configured. */
function shownUrl(url: string): string {
  try {
    return new URL(url).password ? redactUrl(url) : url;
  } catch {
    return url;
  }
}
