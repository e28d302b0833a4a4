// Windows are picked as Beijing days and sent as ISO times with +08:00, whatever the browser's own zone.
const DAY_MS = 86_400_000;
const OFFSET = '+08:00';

/** YYYY-MM-DD of an instant in Beijing. */
export function beijingDay(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export interface Window {
  /** Beijing days, inclusive */
  from: string;
  to: string;
}

export function lastDays(days: number, end: Date = new Date()): Window {
  return { from: beijingDay(new Date(end.getTime() - (days - 1) * DAY_MS)), to: beijingDay(end) };
}

export const PRESETS: Array<{ label: string; days: number }> = [
  { label: '今天', days: 1 }, { label: '7天', days: 7 }, { label: '30天', days: 30 }, { label: '90天', days: 90 }, { label: '一年', days: 365 },
];

export function windowQuery(window: Window): { start_time: string; end_time: string } {
  return { start_time: `${window.from}T00:00:00${OFFSET}`, end_time: `${window.to}T23:59:59.999${OFFSET}` };
}

const timeFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });

/** "14:05" in Beijing. */
export function clockTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

/** "2025年12月30日 星期二" for day separators. */
const dayFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' });
export function dayLabel(iso: string): string {
  return dayFormat.format(new Date(iso));
}
