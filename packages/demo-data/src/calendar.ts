/**
 * Beijing-time calendar: the school lives in UTC+8 (no daylight saving), so local fields are the UTC fields
 * of the instant shifted by eight hours.
 */

export const BEIJING_OFFSET_MS = 8 * 3_600_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface BeijingTime {
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  hour: number;
}

export function beijingTime(ms: number): BeijingTime {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay(), hour: d.getUTCHours() };
}

/** Start of the Beijing hour that contains `ms`. */
export function floorToBeijingHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The instant `months` calendar months before `ms`, counted on the Beijing calendar. */
export function monthsBefore(ms: number, months: number): number {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime() - BEIJING_OFFSET_MS;
}

/** "3月15日" for a Beijing date. */
export function formatMonthDay(ms: number): string {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/** Lunar New Year's Day (正月初一) by Gregorian year; the festival moves every year. */
const SPRING_FESTIVAL: Readonly<Record<number, readonly [number, number]>> = {
  2020: [1, 25], 2021: [2, 12], 2022: [2, 1], 2023: [1, 22], 2024: [2, 10], 2025: [1, 29], 2026: [2, 17], 2027: [2, 6],
  2028: [1, 26], 2029: [2, 13], 2030: [2, 3], 2031: [1, 23], 2032: [2, 11], 2033: [1, 31], 2034: [2, 19], 2035: [2, 8],
};

/** Mid-Autumn Festival (八月十五) by Gregorian year. */
const MID_AUTUMN: Readonly<Record<number, readonly [number, number]>> = {
  2020: [10, 1], 2021: [9, 21], 2022: [9, 10], 2023: [9, 29], 2024: [9, 17], 2025: [10, 6], 2026: [9, 25], 2027: [9, 15],
  2028: [10, 3], 2029: [9, 22], 2030: [9, 12], 2031: [10, 1], 2032: [9, 19], 2033: [9, 8], 2034: [9, 27], 2035: [9, 16],
};

function daysFrom(year: number, month: number, day: number, anchor: readonly [number, number] | undefined, fallback: [number, number]): number {
  const [m, d] = anchor ?? fallback;
  return Math.round((Date.UTC(year, month - 1, day) - Date.UTC(year, m - 1, d)) / DAY_MS);
}

function offsetFromSpringFestival(t: Pick<BeijingTime, 'year' | 'month' | 'day'>): number {
  // late-year dates are closer to the next year's festival
  const year = t.month >= 11 ? t.year + 1 : t.year;
  const [m, d] = SPRING_FESTIVAL[year] ?? [2, 5];
  return Math.round((Date.UTC(t.year, t.month - 1, t.day) - Date.UTC(year, m - 1, d)) / DAY_MS);
}

/** How busy a day is relative to a normal day: families travel and classes pause on public holidays. */
export function holidayFactor(t: Pick<BeijingTime, 'year' | 'month' | 'day'>): number {
  const sf = offsetFromSpringFestival(t);
  if (sf >= -1 && sf <= 6) return 0.3;
  if (sf >= -8 && sf <= -2) return 0.65;
  if (sf >= 7 && sf <= 14) return 0.8;
  if (t.month === 10 && t.day <= 7) return 0.45;
  if (t.month === 5 && t.day <= 5) return 0.6;
  if (t.month === 1 && t.day === 1) return 0.7;
  if (t.month === 4 && t.day >= 4 && t.day <= 6) return 0.8;
  const ma = daysFrom(t.year, t.month, t.day, MID_AUTUMN[t.year], [9, 20]);
  if (ma >= 0 && ma <= 1) return 0.6;
  return 1;
}

export type GreetingKey = 'spring' | 'teachers' | 'midautumn' | 'national' | 'children' | 'newyear' | 'christmas';

/** Which festival greeting people send on this day, if any. */
export function greetingOf(t: Pick<BeijingTime, 'year' | 'month' | 'day'>): GreetingKey | null {
  const sf = offsetFromSpringFestival(t);
  if (sf >= -1 && sf <= 2) return 'spring';
  if (t.month === 9 && t.day === 10) return 'teachers';
  const ma = daysFrom(t.year, t.month, t.day, MID_AUTUMN[t.year], [9, 20]);
  if (ma === 0) return 'midautumn';
  if (t.month === 10 && t.day === 1) return 'national';
  if (t.month === 6 && t.day === 1) return 'children';
  if (t.month === 1 && t.day === 1) return 'newyear';
  if (t.month === 12 && t.day === 25) return 'christmas';
  return null;
}

export type Season = 'term' | 'summer' | 'winter';

/** Holiday courses run in the school holidays; the regular weekly classes continue all year. */
export function seasonOf(t: Pick<BeijingTime, 'year' | 'month' | 'day'>): Season {
  if ((t.month === 7 && t.day >= 5) || t.month === 8) return 'summer';
  const sf = offsetFromSpringFestival(t);
  if ((t.month === 1 && t.day >= 15) || (sf >= -30 && sf <= 10 && t.month <= 2)) return 'winter';
  return 'term';
}

export const SEASONS: readonly Season[] = ['term', 'summer', 'winter'];
