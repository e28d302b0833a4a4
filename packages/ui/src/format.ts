/** The zone every time on the pages is shown in, whatever the browser's own zone is. */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    dateTimeFormats.set(timeZone, format);
  }
  return format;
}

function toDate(value: string | number | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `2024-05-01 08:30:00` in Beijing time (or `timeZone`); '—' for missing or unreadable values. */
export function formatBeijingTime(value: string | number | Date | null | undefined, timeZone = DISPLAY_TIME_ZONE): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = toDate(value);
  if (!date) return String(value);
  // formatToParts, not format(): the joined string's punctuation differs between engines and locales
  const parts: Record<string, string> = {};
  for (const part of dateTimeFormat(timeZone).formatToParts(date)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Only the date part, `2024-05-01`, in Beijing time. */
export function formatBeijingDate(value: string | number | Date | null | undefined, timeZone = DISPLAY_TIME_ZONE): string {
  const text = formatBeijingTime(value, timeZone);
  return text.length === 19 ? text.slice(0, 10) : text;
}

/** "刚刚", "5 分钟前", "3 天前", "2 个月前", "1 年后". */
export function formatRelative(value: string | number | Date | null | undefined, now: number = Date.now()): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = toDate(value);
  if (!date) return String(value);
  const seconds = Math.round((date.getTime() - now) / 1000);
  const suffix = seconds > 0 ? '后' : '前';
  const abs = Math.abs(seconds);
  if (abs < 45) return '刚刚';
  if (abs < 3600) return `${Math.max(1, Math.round(abs / 60))} 分钟${suffix}`;
  if (abs < 86_400) return `${Math.round(abs / 3600)} 小时${suffix}`;
  if (abs < 30 * 86_400) return `${Math.round(abs / 86_400)} 天${suffix}`;
  if (abs < 365 * 86_400) return `${Math.max(1, Math.round(abs / (30 * 86_400)))} 个月${suffix}`;
  return `${Math.floor(abs / (365 * 86_400))} 年${suffix}`;
}

const countFormat = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567"; '—' when unknown. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return countFormat.format(value);
}

/** 1536 → "1.5 KB" (powers of 1024, as file managers show sizes). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${units[unit]}`;
}

/** 850 → "850 毫秒", 12_300 → "12.3 秒", 185_000 → "3 分 5 秒", 7_380_000 → "2 小时 3 分". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  const value = Math.max(0, ms);
  if (value < 1000) return `${Math.round(value)} 毫秒`;
  if (value < 60_000) return `${Number((value / 1000).toFixed(value < 10_000 ? 2 : 1))} 秒`;
  const totalSeconds = Math.round(value / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} 小时 ${minutes} 分`;
  return `${minutes} 分 ${seconds} 秒`;
}

/** Items per second, e.g. "12,345 条/秒". */
export function formatRate(perSecond: number | null | undefined, unit = '条'): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '—';
  const text = perSecond >= 100 ? formatCount(Math.round(perSecond)) : String(Number(perSecond.toFixed(1)));
  return `${text} ${unit}/秒`;
}
