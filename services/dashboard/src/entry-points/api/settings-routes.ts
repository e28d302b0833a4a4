import { Router } from 'express';
import { actorFromRequest, auditFromRequest, parseBody, recordAudit, requireRole, type ServiceContext } from '@doitcrm/kit';
import type { DashboardConfig } from '../../config.ts';
import { readFreshness } from '../../data-access/refresh-state-repository.ts';
import { readSettings } from '../../data-access/settings-repository.ts';
import { describeEngagement } from '../../domain/engagement.ts';
import { evaluateAlerts } from '../../domain/evaluate-alerts.ts';
import { refreshRollups } from '../../domain/refresh-rollups.ts';
import { updateSettings } from '../../domain/update-settings.ts';
import { settingsBodySchema } from './schemas.ts';

export function createSettingsRoutes(context: ServiceContext<DashboardConfig>): Router {
  const router = Router();
  const { pool, logger } = context;
  const timezone = context.config.DISPLAY_TIMEZONE;

  router.get('/settings', async (_req, res) => {
    const settings = await readSettings(pool);
    res.json({ ...settings, engagementDefinition: describeEngagement(settings.engagement) });
  });

  // the thresholds decide what the principal is alerted about: admins only, audited with the before/after
  router.put('/settings', requireRole('admin'), async (req, res) => {
    const change = parseBody(settingsBodySchema, req);
    const after = await updateSettings(pool, actorFromRequest(req), change, { timezone });
    res.json({ ...after, engagementDefinition: describeEngagement(after.engagement) });
  });

  router.get('/freshness', async (_req, res) => {
    res.json(await readFreshness(pool));
  });

  // an operator's full rebuild (after restoring a backup, say); the consumers keep the rollups current otherwise
  router.post('/refresh', requireRole('admin'), async (req, res) => {
    const result = await refreshRollups(pool, { full: true }, { timezone });
    const alerts = await evaluateAlerts(pool, { timezone });
    await recordAudit(pool, auditFromRequest(req, { service: 'dashboard', action: 'dashboard.refresh.full', details: { ...result, alerts } }));
    logger.info({ ...result, alerts }, 'dashboard rollups rebuilt on request');
    res.json({ ...result, alerts, freshness: await readFreshness(pool) });
  });

  return router;
}
