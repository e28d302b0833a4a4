import { startSchedule as startKitSchedule, type ServiceContext } from '@doitcrm/kit';
import type { DashboardConfig } from '../config.ts';
import { isBuilt } from '../data-access/refresh-state-repository.ts';
import { evaluateAlerts } from '../domain/evaluate-alerts.ts';
import { refreshRollups } from '../domain/refresh-rollups.ts';

/**
 * First start builds the rollups from the whole archive (in the background: the API answers meanwhile, with the
 * freshness saying "not built yet"); afterwards alerts are re-evaluated on a schedule, because silence grows with
 * time alone, without any new message. One instance of the dashboard runs each tick (kit's startSchedule).
 */
export function startSchedule(context: ServiceContext<DashboardConfig>): void {
  const { config, pool, logger } = context;
  const timezone = config.DISPLAY_TIMEZONE;
  let startupDone = false;

  const evaluate = async () => {
    const alerts = await evaluateAlerts(pool, { timezone });
    logger.info(alerts, 'dashboard alerts evaluated');
  };
  const buildIfNotBuilt = async () => {
    if (await isBuilt(pool)) return;
    logger.info('dashboard rollups not built yet: building from the whole archive');
    const result = await refreshRollups(pool, { full: true }, { timezone });
    logger.info(result, 'dashboard rollups built');
  };

  startKitSchedule(context, {
    name: 'dashboard-alerts',
    ...(config.ALERT_EVALUATION_CRON
      ? { cron: config.ALERT_EVALUATION_CRON, timezone }
      : { everyMinutes: config.ALERT_EVALUATION_MINUTES }),
    runAtStart: true,
    handler: async () => {
      if (!startupDone) {
        // as before: the start-up build is tried once; a failure is logged and alerts wait for the next tick
        startupDone = true;
        try {
          await buildIfNotBuilt();
        } catch (error) {
          logger.error({ err: error }, 'dashboard start-up build failed');
          return;
        }
      }
      await evaluate();
    },
  });
}
