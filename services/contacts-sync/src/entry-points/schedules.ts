import { ConflictError, startSchedule, systemActor, type ServiceContext } from '@doitcrm/kit';
import type { ContactsSyncConfig } from '../config.ts';
import type { SyncMode } from '../data-access/run-repository.ts';
import { requestSync } from '../domain/request-sync.ts';

/**
 * The periodic passes (seed 004: incremental hourly, full at 02:00), queued as jobs like a page's: one instance
 * queues each tick (kit's startSchedule), and a tick that finds a run going on is skipped, not stacked.
 */
export function startSyncSchedules(context: ServiceContext<ContactsSyncConfig>): void {
  const schedules: Array<[SyncMode, string]> = [
    ['incremental', context.config.CONTACTS_SYNC_INCREMENTAL_CRON],
    ['full', context.config.CONTACTS_SYNC_FULL_CRON],
  ];
  for (const [mode, cron] of schedules) {
    if (cron === 'off') continue;
    startSchedule(context, {
      name: `contacts-sync-${mode}`, cron, timezone: context.config.DISPLAY_TIMEZONE,
      handler: async () => {
        try {
          const { run } = await requestSync(context, systemActor('contacts-sync schedule'), { mode, force: false });
          context.logger.info({ runId: run.id, mode }, 'scheduled contacts sync queued');
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          context.logger.info({ mode }, 'scheduled contacts sync skipped: a run is going on');
        }
      },
    });
  }
}
