export * from './start-schedule.ts';
export { DEFAULT_SCHEDULE_TIMEZONE, nextRunOf, type NextRun, type ScheduleTiming } from './next-run.ts';
export { StaleFenceError, type ScheduleClaim } from './schedule-repository.ts';
export type { ScheduleMetrics } from './schedule-metrics.ts';
