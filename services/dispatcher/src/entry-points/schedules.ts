import { startSchedule, type ServiceContext } from '@doitcrm/kit';
import type { DispatcherConfig } from '../config.ts';
import type { DispatchSettings } from '../domain/dispatch-settings.ts';
import {
  applyTraceRetention, cleanExpiredIdempotencyKeys, cleanOldAlertDeliveries, cleanOldReceipts, retryRetryableFailures, rollUpYesterday,
} from '../domain/housekeeping.ts';

/**
 * The dispatcher's schedules (kit's startSchedule: one instance runs each tick however many run the service; cron in
 * Beijing time). The roll-up runs before retention, so a day is in daily_stats before its traces can go; both also
 * run at start, catching up a tick missed while no instance ran.
 */
export function startDispatchSchedules(context: ServiceContext<DispatcherConfig>, settings: () => DispatchSettings): void {
  const { pool, logger } = context;

  startSchedule(context, {
    name: 'dispatcher-daily-rollup', cron: '10 0 * * *', runAtStart: true,
    handler: async (run) => logger.info(await rollUpYesterday(pool, new Date(), run.assertStillOwner), 'dispatcher daily statistics rolled up'),
  });

  startSchedule(context, {
    name: 'dispatcher-trace-retention', cron: '40 0 * * *', runAtStart: true, leaseMs: 15 * 60_000,
    handler: async (run) => {
      const result = await applyTraceRetention(pool, new Date(), settings()['traces.retention_days'], { signal: run.signal });
      const alertDeliveries = await cleanOldAlertDeliveries(pool);
      const receipts = await cleanOldReceipts(pool);
      logger.info({ ...result, alertDeliveries, receipts }, 'dispatcher trace retention applied');
    },
  });

  startSchedule(context, {
    name: 'dispatcher-retry-failed', everyMinutes: 5,
    handler: async (run) => {
      const queued = await retryRetryableFailures(pool, settings(), { fence: run.assertStillOwner });
      if (queued > 0) logger.info({ queued }, 'retryable failed messages queued again');
    },
  });

  startSchedule(context, {
    name: 'dispatcher-idempotency-cleanup', everyMinutes: 60,
    handler: async () => {
      const deleted = await cleanExpiredIdempotencyKeys(pool);
      if (deleted > 0) logger.info({ deleted }, 'expired Idempotency-Keys deleted');
    },
  });
}
