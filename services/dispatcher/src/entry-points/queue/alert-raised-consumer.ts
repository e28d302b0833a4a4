import { alertRaisedSchema, type AlertRaised } from '@doitcrm/types';
import type { ServiceContext } from '@doitcrm/kit';
import type { DispatcherConfig } from '../../config.ts';
import { deliverAlert } from '../../domain/deliver-alert.ts';
import type { DispatchSettings } from '../../domain/dispatch-settings.ts';

/**
 * Alerts raised anywhere in the suite (dashboard, contacts-sync) go out by the alert rules, held for quiet hours as
 * sends are. `now` is the clock the hold decision reads (tests fix it).
 */
export async function startAlertConsumer(context: ServiceContext<DispatcherConfig>, settings: () => DispatchSettings, now: () => Date = () => new Date()): Promise<void> {
  await context.broker.consume<AlertRaised>({
    queue: 'dispatcher.alert-raised',
    events: ['alert.raised'],
    prefetch: 4,
    schema: alertRaisedSchema,
    handle: async (alert) => {
      const outcome = await deliverAlert(context.pool, settings, alert, now);
      context.logger.info({ alertId: alert.alertId, kind: alert.kind, ...outcome }, 'alert handled by the alert rules');
    },
  });
}
