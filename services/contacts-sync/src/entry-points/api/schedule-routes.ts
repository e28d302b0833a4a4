import { Router } from 'express';
import { actorFromRequest, parseBody, requireRole, type ServiceContext } from '@doitcrm/kit';
import type { ContactsSyncConfig } from '../../config.ts';
import { scheduleSettingsBodySchema } from '../../contract.ts';
import { saveScheduleSettings, scheduleSettings } from '../../domain/manage-schedules.ts';
import { scheduleDefaults } from '../schedules.ts';

/** The schedules as settings: anyone reads them; staff change them (audited); every instance's runner picks a save up within seconds. */
export function createScheduleRoutes(context: ServiceContext<ContactsSyncConfig>): Router {
  const router = Router();
  const defaults = scheduleDefaults(context.config);

  router.get('/v1/wecom/sync/schedules', async (_req, res) => {
    res.json(await scheduleSettings(context.pool, defaults));
  });

  router.put('/v1/wecom/sync/schedules', requireRole('staff'), async (req, res) => {
    const input = parseBody(scheduleSettingsBodySchema, req);
    res.json(await saveScheduleSettings(context.pool, actorFromRequest(req), input, defaults));
  });

  return router;
}
