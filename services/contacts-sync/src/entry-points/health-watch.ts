import type { ServiceContext } from '@doitcrm/kit';
import type { ContactsSyncConfig } from '../config.ts';
import { evaluateHealthAlerts } from '../domain/sync-health.ts';

/** Every 10 minutes: the seed's alert rules, so an alert goes out (once a day per rule) even when nobody opens the monitor. */
const EVERY_MS = 600_000;

export function startHealthWatch(context: ServiceContext<ContactsSyncConfig>): void {
  const timer = setInterval(() => {
    evaluateHealthAlerts(context.pool, context.config.DISPLAY_TIMEZONE)
      .then(({ alerts }) => {
        const raised = alerts.filter((a) => a.raised);
        if (raised.length) context.logger.warn({ alerts: raised.map((a) => a.title) }, 'contacts-sync health alerts raised');
      })
      .catch((error: unknown) => context.logger.error({ err: error }, 'health check failed'));
  }, EVERY_MS);
  timer.unref();
  context.shutdown.add('contacts health watch', () => clearInterval(timer));
}
