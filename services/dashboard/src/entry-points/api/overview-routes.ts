import { Router } from 'express';
import { parseQuery, type ServiceContext } from '@doitcrm/kit';
import type { DashboardConfig } from '../../config.ts';
import type { Overview } from '../../contract.ts';
import { readHierarchy, readTeachers } from '../../data-access/hierarchy-repository.ts';
import { readFirstDataDay, readSchoolCounts, readWindowNumbers } from '../../data-access/overview-repository.ts';
import { readFreshness } from '../../data-access/refresh-state-repository.ts';
import { readSettings } from '../../data-access/settings-repository.ts';
import { resolveWindow, windowIsCovered } from '../../domain/day-window.ts';
import { describeEngagement } from '../../domain/engagement.ts';
import { windowQuerySchema } from './schemas.ts';

export function createOverviewRoutes(context: ServiceContext<DashboardConfig>): Router {
  const router = Router();
  const { pool } = context;
  const timezone = context.config.DISPLAY_TIMEZONE;

  router.get('/overview-stats', async (req, res) => {
    const query = parseQuery(windowQuerySchema, req);
    const { window, previous } = resolveWindow(query, timezone);
    const [settings, counts, freshness, dataSince] = await Promise.all([readSettings(pool), readSchoolCounts(pool), readFreshness(pool), readFirstDataDay(pool)]);
    const [current, before] = await Promise.all([
      readWindowNumbers(pool, window, settings.engagement, counts.parents),
      windowIsCovered(previous, dataSince) ? readWindowNumbers(pool, previous, settings.engagement, counts.parents) : null,
    ]);
    const overview: Overview = {
      window, previousWindow: previous, ...counts, current, previous: before, dataSince,
      engagementDefinition: describeEngagement(settings.engagement), freshness,
    };
    res.json(overview);
  });

  router.get('/hierarchy-tree', async (_req, res) => {
    const [hierarchy, teachers] = await Promise.all([readHierarchy(pool), readTeachers(pool)]);
    res.json({ hierarchy, teachers });
  });

  return router;
}
