import {
  ConflictError, ShutdownRegistry, startSchedule, systemActor, type RunningSchedule, type ServiceContext,
} from '@doitcrm/kit';
import type { ContactsSyncConfig } from '../config.ts';
import type { ScheduleName } from '../contract.ts';
import { schedulesFingerprint } from '../data-access/schedule-repository.ts';
import { cleanUp } from '../domain/clean-up.ts';
import { schedulesInForce, type ScheduleDefaults } from '../domain/manage-schedules.ts';
import { requestSync } from '../domain/request-sync.ts';
import { cronOf, SCHEDULE_NAMES } from '../domain/schedule-settings.ts';

export interface ScheduleRunner {
  /** the cron each schedule runs on in this instance now ("off" when not armed) and its next tick */
  armed(): Record<ScheduleName, { cron: string; nextRun: Date | null }>;
  /** reads the settings now (a poll does this every CONTACTS_SCHEDULE_POLL_MS) */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

export function scheduleDefaults(config: ContactsSyncConfig): ScheduleDefaults {
  return {
    crons: { incremental: config.CONTACTS_SYNC_INCREMENTAL_CRON, full: config.CONTACTS_SYNC_FULL_CRON, cleanup: config.CONTACTS_SYNC_CLEANUP_CRON },
    timezone: config.DISPLAY_TIMEZONE,
    retentionDays: config.CONTACTS_SYNC_RETENTION_DAYS,
  };
}

/**
 * The periodic passes (seed 004: incremental hourly, full at 02:00) and the weekly clean-up, on the times saved on the
 * page. Every instance polls the saved settings and re-arms a schedule whose time changed; kit's startSchedule claims
 * each tick in ops.schedules, so however many instances run, one of them acts per tick. A sync tick queues a job like
 * the page's button; one that finds a run going on is skipped, not stacked. Without WeCom only the clean-up runs.
 */
export function startSyncSchedules(context: ServiceContext<ContactsSyncConfig>, options: { wecom: boolean }): ScheduleRunner {
  const { pool, logger, config } = context;
  const defaults = scheduleDefaults(config);
  const running = new Map<ScheduleName, { cron: string; schedule: RunningSchedule }>();
  // schedules are stopped here when their time changes, so they must not also pile up in the service's shutdown steps
  const detached = new ShutdownRegistry(logger, config.SHUTDOWN_TIMEOUT_MS);
  let fingerprint: string | null = null;
  let loading: Promise<void> | null = null;
  let stopped = false;

  const handlers: Record<ScheduleName, () => Promise<void>> = {
    incremental: () => queueSync('incremental'),
    full: () => queueSync('full'),
    cleanup: async () => logger.info(await cleanUp(pool, config.CONTACTS_SYNC_RETENTION_DAYS), 'contacts weekly clean-up done'),
  };

  async function queueSync(mode: 'full' | 'incremental'): Promise<void> {
    try {
      const { run } = await requestSync(context, systemActor('contacts-sync schedule'), { mode, force: false });
      logger.info({ runId: run.id, mode }, 'scheduled contacts sync queued');
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      logger.info({ mode }, 'scheduled contacts sync skipped: a run is going on');
    }
  }

  async function load(): Promise<void> {
    const nextFingerprint = await schedulesFingerprint(pool);
    const { rows } = await schedulesInForce(pool, defaults);
    fingerprint = nextFingerprint;
    for (const name of SCHEDULE_NAMES) {
      const cron = options.wecom || name === 'cleanup' ? cronOf(rows[name]) : 'off';
      const current = running.get(name);
      if ((current?.cron ?? 'off') === cron || stopped) continue;
      running.delete(name);
      await current?.schedule.stop();
      if (cron !== 'off') {
        running.set(name, {
          cron,
          schedule: startSchedule({ ...context, shutdown: detached }, {
            name: `contacts-sync-${name}`, cron, timezone: config.DISPLAY_TIMEZONE, leaseMs: name === 'cleanup' ? 30 * 60_000 : undefined, handler: handlers[name],
          }),
        });
      }
      logger.info({ schedule: name, from: current?.cron ?? 'off', to: cron }, 'contacts schedule armed');
    }
  }

  function reload(): Promise<void> {
    loading ??= load().finally(() => { loading = null; });
    return loading;
  }

  const timer = setInterval(() => {
    schedulesFingerprint(pool)
      .then((next) => (next !== fingerprint ? reload() : undefined))
      .catch((error: unknown) => logger.warn({ err: error }, 'could not read the contacts schedules; the armed ones keep running'));
  }, config.CONTACTS_SCHEDULE_POLL_MS);
  timer.unref();

  const stop = async () => {
    stopped = true;
    clearInterval(timer);
    await loading?.catch(() => {});
    await Promise.all([...running.values()].map((entry) => entry.schedule.stop()));
    running.clear();
  };
  context.shutdown.add('contacts schedules', stop);
  reload().catch((error: unknown) => logger.error({ err: error }, 'could not read the contacts schedules at start; retrying at the next poll'));

  return {
    armed: () => Object.fromEntries(SCHEDULE_NAMES.map((name) => {
      const entry = running.get(name);
      return [name, { cron: entry?.cron ?? 'off', nextRun: entry?.schedule.nextRun() ?? null }];
    })) as Record<ScheduleName, { cron: string; nextRun: Date | null }>,
    reload,
    stop,
  };
}
