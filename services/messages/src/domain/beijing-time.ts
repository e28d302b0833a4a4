const formatters = new Map<string, Intl.DateTimeFormat>();

/** "2025-12-30 10:22:05" in the display time zone (Asia/Shanghai unless configured otherwise). */
export function formatLocalTime(iso: string, timezone: string): string {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('sv-SE', {
      timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
    });
    formatters.set(timezone, formatter);
  }
  return formatter.format(new Date(iso));
}

export const DAY_MS = 86_400_000;
