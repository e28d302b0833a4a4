import { Cron } from 'croner';

/**
 * When a schedule fires. Cron parsing is croner's (https://github.com/hexagon/croner, https://croner.56k.guru):
 * chosen over cron-parser because it has no dependencies, reads IANA zones through Intl (no tz database to ship),
 * accepts an optional seconds field, and was released through 2025–2026 with its own TypeScript types.
 */
export type ScheduleTiming =
  /** a cron expression ("0 3 * * *", or six fields with seconds), read in `timezone` */
  | { cron: string; timezone?: string }
  /** every n minutes counted from the Unix epoch, so every instance computes the same ticks */
  | { everyMinutes: number };

/** The suite's users are in Beijing: schedules read their cron expressions there unless told otherwise. */
export const DEFAULT_SCHEDULE_TIMEZONE = 'Asia/Shanghai';

export type NextRun = (after: Date) => Date | null;

/** Checks the timing once (a bad cron expression fails at start-up, not at the first tick) and returns its clock. */
export function nextRunOf(timing: ScheduleTiming): NextRun {
  if ('everyMinutes' in timing) {
    const stepMs = timing.everyMinutes * 60_000;
    if (!Number.isFinite(stepMs) || stepMs <= 0) throw new Error(`everyMinutes must be a positive number, got ${timing.everyMinutes}`);
    return (after) => new Date((Math.floor(after.getTime() / stepMs) + 1) * stepMs);
  }
  const cron = new Cron(timing.cron, { timezone: timing.timezone ?? DEFAULT_SCHEDULE_TIMEZONE });
  return (after) => cron.nextRun(after);
}
