import { Router } from 'express';
import { parseQuery, type ServiceContext } from '@doitcrm/kit';
import type { ContactsSyncConfig } from '../../config.ts';
import { metricsQuerySchema } from '../../contract.ts';
import { dailyMetrics, type DayMetrics } from '../../data-access/metrics-repository.ts';
import { computeHealth, evaluateHealthAlerts } from '../../domain/sync-health.ts';

const TOTALLED = ['runs', 'failedRuns', 'wecomCalls', 'errors', 'callbacksReceived', 'callbacksRefused', 'callbacksDuplicate', 'callbacksApplied', 'callbackErrors',
  'relationsAdded', 'relationsLost', 'rowsWritten'] as const satisfies ReadonlyArray<keyof DayMetrics>;

/** The seed's monitor API (seeds/004): figures only, no personal data, so any signed-in role may read it. */
export function createMonitorRoutes(context: ServiceContext<ContactsSyncConfig>): Router {
  const router = Router();
  const timezone = context.config.DISPLAY_TIMEZONE;

  router.get('/v1/wecom/monitor/health', async (_req, res) => {
    res.json(await computeHealth(context.pool, timezone));
  });

  router.get('/v1/wecom/monitor/metrics', async (req, res) => {
    const { days } = parseQuery(metricsQuerySchema, req);
    const series = await dailyMetrics(context.pool, timezone, days);
    const totals = Object.fromEntries(TOTALLED.map((key) => [key, series.reduce((total, d) => total + d[key], 0)]));
    res.json({ days, series, totals });
  });

  router.get('/v1/wecom/monitor/alerts', async (_req, res) => {
    const { health, alerts } = await evaluateHealthAlerts(context.pool, timezone);
    res.json({ score: health.score, alerts });
  });

  return router;
}
