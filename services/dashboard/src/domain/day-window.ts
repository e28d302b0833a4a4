import { z } from 'zod';
import type { DayWindow } from '../contract.ts';

const DAY_MS = 86_400_000;
export const MAX_WINDOW_DAYS = 366;

/** Today's date in the display zone (Beijing), `YYYY-MM-DD`. */
export function todayIn(timezone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** `days=7|30|90|…` (ending today) or a custom `from`/`to`, both Beijing dates and inclusive. */
export const windowQueryShape = {
  days: z.coerce.number().int().min(1).max(MAX_WINDOW_DAYS).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
};

export type WindowQuery = { days?: number | undefined; from?: string | undefined; to?: string | undefined };

/** Checks that a custom window is whole and ordered; issues name the parameter. */
export function refineWindow(query: WindowQuery, ctx: z.RefinementCtx): void {
  if ((query.from === undefined) !== (query.to === undefined)) {
    ctx.addIssue({ code: 'custom', path: [query.from === undefined ? 'from' : 'to'], message: 'from 与 to 须同时提供 (both from and to are needed)' });
  } else if (query.from && query.to) {
    const span = daysBetween(query.from, query.to);
    if (span < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to 不能早于 from (to is before from)' });
    else if (span + 1 > MAX_WINDOW_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `时间范围最多 ${MAX_WINDOW_DAYS} 天` });
    if (query.days !== undefined) ctx.addIssue({ code: 'custom', path: ['days'], message: 'days 不能与 from/to 同时使用' });
  }
}

/** The window asked for (default the last 30 days including today) and the one of equal length just before it. */
export function resolveWindow(query: WindowQuery, timezone: string, now: Date = new Date()): { window: DayWindow; previous: DayWindow } {
  const to = query.to ?? todayIn(timezone, now);
  const from = query.from ?? addDays(to, -((query.days ?? 30) - 1));
  const days = daysBetween(from, to) + 1;
  return {
    window: { from, to, days },
    previous: { from: addDays(from, -days), to: addDays(from, -1), days },
  };
}

/**
 * Whether the rollups cover the whole of a window: it must not start before their first day. A window reaching back
 * before the archive's start would compare real numbers with nothing and show them all as growth.
 */
export function windowIsCovered(window: DayWindow, firstDataDay: string | null): boolean {
  return firstDataDay !== null && window.from >= firstDataDay;
}
