import { Router } from 'express';
import { auditRead, parseParams, parseQuery, type ServiceContext } from '@doitcrm/kit';
import type { DashboardConfig } from '../../config.ts';
import type { ClassStatsList } from '../../contract.ts';
import { readFreshness } from '../../data-access/refresh-state-repository.ts';
import { readSettings } from '../../data-access/settings-repository.ts';
import { resolveWindow } from '../../domain/day-window.ts';
import { readClassDetails } from '../../domain/read-class-details.ts';
import { readClassList } from '../../domain/read-class-stats.ts';
import { readTrends } from '../../domain/trends.ts';
import { classFilterOf, originOf } from './request-helpers.ts';
import { classIdParamsSchema, classStatsQuerySchema, trendsQuerySchema, windowQuerySchema } from './schemas.ts';

export function createClassRoutes(context: ServiceContext<DashboardConfig>): Router {
  const router = Router();
  const { pool } = context;
  const timezone = context.config.DISPLAY_TIMEZONE;

  router.get('/class-stats', async (req, res) => {
    const query = parseQuery(classStatsQuerySchema, req);
    const { window } = resolveWindow(query, timezone);
    const [settings, freshness] = await Promise.all([readSettings(pool), readFreshness(pool)]);
    const { items } = await readClassList(pool, settings, {
      window, filter: classFilterOf(query), sort: query.sort ?? 'hierarchy', order: query.order ?? 'asc', attentionOnly: query.attention === 'true',
      refreshedAt: freshness.refreshedAt,
    });
    const body: ClassStatsList = { window, items, heat: settings.heat, freshness };
    res.json(body);
  });

  router.get('/class-details/:classId', async (req, res) => {
    const { classId } = parseParams(classIdParamsSchema, req);
    const { window } = resolveWindow(parseQuery(windowQuerySchema, req), timezone);
    const settings = await readSettings(pool);
    const details = await readClassDetails(pool, settings, classId, window, originOf(req), context.config.MESSAGES_PORT);
    // the page lists parents of minors with their activity: who looked is recorded, or nothing is shown
    await auditRead(pool, req, {
      service: 'dashboard', action: 'dashboard.class.view', targetType: 'class', targetId: classId,
      details: { window, people: details.students.flatMap((student) => student.guardians.map((guardian) => guardian.parentId)) },
    });
    res.json(details);
  });

  router.get('/trends', async (req, res) => {
    const query = parseQuery(trendsQuerySchema, req);
    res.json(await readTrends(pool, { weeks: query.weeks ?? 52, groupBy: query.groupBy ?? 'section', filter: classFilterOf(query), timezone }));
  });

  // weekly activity per class: the heat map's cells (rates in percent), with the bands to colour them
  router.get('/heatmap', async (req, res) => {
    const query = parseQuery(trendsQuerySchema, req);
    const [settings, trends] = await Promise.all([
      readSettings(pool),
      readTrends(pool, { weeks: query.weeks ?? 12, groupBy: 'class', filter: classFilterOf(query), timezone }),
    ]);
    res.json({ weeks: trends.weeks, classes: trends.series.map((series) => ({ classId: Number(series.key), name: series.name, rates: series.activeRate })), heat: settings.heat });
  });

  return router;
}
