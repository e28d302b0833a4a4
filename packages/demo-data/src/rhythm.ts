import type { Season } from './calendar.ts';
import type { DemoClass } from './school-types.ts';

/**
 * When people write, by Beijing hour. Parents write before work, at lunch and above all in the evening
 * after homework; staff of a weekend school work Tuesday to Sunday with Monday mostly off; nights are quiet.
 */
const PARENT_WEEKDAY = [0.03, 0.015, 0.01, 0.005, 0.005, 0.01, 0.06, 0.3, 0.45, 0.4, 0.35, 0.4, 0.6, 0.5, 0.35, 0.35, 0.4, 0.55, 0.75, 1.0, 1.25, 1.15, 0.7, 0.22];
const PARENT_WEEKEND = [0.05, 0.02, 0.01, 0.005, 0.005, 0.01, 0.04, 0.25, 0.65, 0.8, 0.8, 0.7, 0.55, 0.5, 0.6, 0.7, 0.7, 0.7, 0.75, 0.95, 1.1, 0.9, 0.55, 0.2];
const STAFF_DAY = [0.004, 0.002, 0, 0, 0, 0, 0.01, 0.12, 0.5, 0.95, 1.0, 0.9, 0.4, 0.6, 1.0, 1.0, 0.9, 0.7, 0.45, 0.4, 0.35, 0.22, 0.08, 0.02];
/** Monday is the usual day off in a school that teaches at weekends. */
const STAFF_DAY_FACTOR = [1.1, 0.35, 1, 1, 1, 1, 1.1];

export const HOURS_PER_WEEK = 168;

export function parentCurve(hourOfWeek: number): number {
  const day = Math.floor(hourOfWeek / 24);
  const hour = hourOfWeek % 24;
  return ((day === 0 || day === 6) ? PARENT_WEEKEND : PARENT_WEEKDAY)[hour] as number;
}

export function staffCurve(hourOfWeek: number): number {
  const day = Math.floor(hourOfWeek / 24);
  return (STAFF_DAY[hourOfWeek % 24] as number) * (STAFF_DAY_FACTOR[day] as number);
}

/**
 * Extra traffic in a class group around its weekly lesson: the reminder before, photos during, homework
 * and thanks just after, homework check-ins that evening, and a reminder the evening before.
 */
export function classBurst(c: Pick<DemoClass, 'weekday' | 'startMinute'>, hourOfWeek: number): number {
  const start = c.weekday * 24 + Math.floor(c.startMinute / 60);
  const delta = (hourOfWeek - start + HOURS_PER_WEEK) % HOURS_PER_WEEK;
  const byOffset: Record<number, number> = { 0: 3, 1: 5, 2: 3, 167: 2 };
  let burst = byOffset[delta] ?? 0;
  const day = Math.floor(hourOfWeek / 24);
  const hour = hourOfWeek % 24;
  if (day === c.weekday && hour >= 19 && hour <= 21 && delta > 2) burst += 2;
  if (day === (c.weekday + 6) % 7 && hour >= 19 && hour <= 20) burst += 1.2;
  return burst;
}

/** Holiday courses are busy in their own holiday and nearly silent the rest of the year. */
export function seasonFactor(c: Pick<DemoClass, 'holidaySeason'>, season: Season): number {
  if (!c.holidaySeason) return 1;
  return c.holidaySeason === season ? 2 : 0.06;
}

/** Share of a group's messages written by staff at this hour (more in working hours and around lessons). */
export function staffShare(hourOfWeek: number, burst: number): number {
  const s = staffCurve(hourOfWeek);
  const p = parentCurve(hourOfWeek);
  return Math.min(0.85, 0.12 + (0.4 * s) / (s + p + 0.01) + (burst > 0 ? 0.15 : 0));
}
