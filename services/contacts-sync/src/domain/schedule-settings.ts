import type { ScheduleName, ScheduleSettingsInput } from '../contract.ts';

/** One schedule as stored: the weekly clean-up uses all three fields, the daily full pass no weekday, the hourly pass only the minute. */
export interface ScheduleRow {
  name: ScheduleName;
  enabled: boolean;
  minute: number;
  hour: number | null;
  weekday: number | null;
}

export const SCHEDULE_NAMES: readonly ScheduleName[] = ['incremental', 'full', 'cleanup'];

/**
 * The cron shapes the page can express, for the CONTACTS_SYNC_*_CRON settings (the values in force until someone
 * saves on the page): an expression the form could not show would be silently replaced by its first save.
 */
export const CRON_SHAPES: Record<ScheduleName, RegExp> = {
  incremental: /^(\d{1,2}) \* \* \* \*$/,
  full: /^(\d{1,2}) (\d{1,2}) \* \* \*$/,
  cleanup: /^(\d{1,2}) (\d{1,2}) \* \* ([0-6])$/,
};

/** The seed's times, used for a schedule switched off by its setting ("off"), so the form still shows a time to switch on at. */
const SEED: Record<ScheduleName, ScheduleRow> = {
  incremental: { name: 'incremental', enabled: true, minute: 0, hour: null, weekday: null },
  full: { name: 'full', enabled: true, minute: 0, hour: 2, weekday: null },
  cleanup: { name: 'cleanup', enabled: true, minute: 0, hour: 3, weekday: 0 },
};

export function isSchedulableCron(name: ScheduleName, cron: string): boolean {
  if (cron === 'off') return true;
  const match = CRON_SHAPES[name].exec(cron);
  return match !== null && Number(match[1]) <= 59 && (match[2] === undefined || Number(match[2]) <= 23);
}

export function rowFromCron(name: ScheduleName, cron: string): ScheduleRow {
  if (cron === 'off') return { ...SEED[name], enabled: false };
  const match = CRON_SHAPES[name].exec(cron);
  if (!match) throw new Error(`${name}: "${cron}" is not a schedule the page can show`);
  return {
    name, enabled: true, minute: Number(match[1]),
    hour: match[2] === undefined ? null : Number(match[2]),
    weekday: match[3] === undefined ? null : Number(match[3]),
  };
}

export function cronOf(row: ScheduleRow): string {
  if (!row.enabled) return 'off';
  if (row.name === 'incremental') return `${row.minute} * * * *`;
  if (row.name === 'full') return `${row.minute} ${row.hour ?? 0} * * *`;
  return `${row.minute} ${row.hour ?? 0} * * ${row.weekday ?? 0}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
const timeOf = (row: ScheduleRow) => `${pad(row.hour ?? 0)}:${pad(row.minute)}`;
function parseTime(time: string): { hour: number; minute: number } {
  const [hour, minute] = time.split(':').map(Number);
  return { hour: hour!, minute: minute! };
}

export function rowsFromInput(input: ScheduleSettingsInput): ScheduleRow[] {
  return [
    { name: 'incremental', enabled: input.incremental.enabled, minute: input.incremental.minute, hour: null, weekday: null },
    { name: 'full', enabled: input.full.enabled, ...parseTime(input.full.time), weekday: null },
    { name: 'cleanup', enabled: input.cleanup.enabled, ...parseTime(input.cleanup.time), weekday: input.cleanup.weekday },
  ];
}

export function inputFromRows(rows: Record<ScheduleName, ScheduleRow>): ScheduleSettingsInput {
  return {
    incremental: { enabled: rows.incremental.enabled, minute: rows.incremental.minute },
    full: { enabled: rows.full.enabled, time: timeOf(rows.full) },
    cleanup: { enabled: rows.cleanup.enabled, weekday: rows.cleanup.weekday ?? 0, time: timeOf(rows.cleanup) },
  };
}
