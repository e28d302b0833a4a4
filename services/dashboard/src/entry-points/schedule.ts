import type { ServiceContext } from '@doitcrm/kit';
import type { DashboardConfig } from '../config.ts';
import { isBuilt } from '../data-access/refresh-state-repository.ts';
import { evaluateAlerts } from '../domain/evaluate-alerts.ts';
import { refreshRollups } from '../domain/refresh-rollups.ts';

/**
 * First start builds the rollups from the whole archive (in the background: the API answers meanwhile, with the
 * freshness saying "not built yet"); afterwards alerts are re-evaluated on a timer, because silence grows with time
 * alone, without any new message.
 */
export function startSchedule(context: ServiceContext<DashboardConfig>): void {
  const timezone = context.config.DISPLAY_TIMEZONE;
  const { pool, logger } = context;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const evaluate = async () => {
    const alerts = await evaluateAlerts(pool, { timezone });
    logger.info(alerts, 'dashboard alerts evaluated');
  };
  const tick = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = evaluate().catch((error: unknown) => logger.error({ err: error }, 'alert evaluation failed')).finally(tick);
    }, context.config.ALERT_EVALUATION_MINUTES * 60_000);
  };

  running = (async () => {
    if (!(await isBuilt(pool))) {
      logger.info('dashboard rollups not built yet: building from the whole archive');
      const result = await refreshRollups(pool, { full: true }, { timezone });
      logger.info(result, 'dashboard rollups built');
    }
    await evaluate();
  })().catch((error: unknown) => logger.error({ err: error }, 'dashboard start-up build failed')).finally(tick);

  context.shutdown.add('dashboard schedule', async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  });
}
