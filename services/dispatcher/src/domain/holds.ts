import type { DispatchChannel } from '@doitcrm/types';
import type { QuietHoursOverride } from '../contract.ts';
import type { DispatchSettings } from './dispatch-settings.ts';

export type QuietHours = DispatchSettings['quiet_hours'];

export interface Hold {
  reason: 'send_at' | 'quiet_hours';
  dueAt: Date;
}

// Asia/Shanghai has been UTC+8 all year since 1991 (no daylight saving): Beijing wall time is plain arithmetic
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When the quiet period that `at` falls in ends, or null when `at` is outside it. A start after the end spans
 * midnight (21:30–08:00); start = end means no quiet period.
 */
export function quietPeriodEnd(quiet: Pick<QuietHours, 'start' | 'end'>, at: Date): Date | null {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const local = at.getTime() + BEIJING_OFFSET_MS;
  const midnight = Math.floor(local / DAY_MS) * DAY_MS;
  const minute = (local - midnight) / 60_000;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  const endsTomorrow = start > end && minute >= start;
  return new Date(midnight + (endsTomorrow ? DAY_MS : 0) + end * 60_000 - BEIJING_OFFSET_MS);
}

/** The quiet hours a send keeps: start, end and bypass, or null when nothing quiets it. */
export interface QuietRule { start: string; end: string; bypassPriority: number }

/**
 * Which quiet hours apply to a send on `channel`: the first override that is set (an alert rule's — its recipients' —
 * before its template's), else the global setting for the channels it lists. An override's own hours apply whatever
 * the global channel list says: whoever set them on this template or rule asked for them.
 */
export function quietRuleFor(channel: DispatchChannel, global: QuietHours, overrides: ReadonlyArray<QuietHoursOverride | undefined> = []): QuietRule | null {
  const own = overrides.find((override) => override !== null && override !== undefined);
  if (own) return own.enabled ? { start: own.start, end: own.end, bypassPriority: own.bypassPriority } : null;
  return global.enabled && global.channels.includes(channel) ? global : null;
}

/**
 * Whether a send is held in PostgreSQL rather than queued now, and until when: a future `send_at` holds it until
 * then, and a message that would go out inside the quiet hours (at send_at, or now) waits for their end, unless its
 * priority passes them. The quiet hours are the first of `overrides` that is set (alert rule, then template), else
 * the global setting for its channels. Every recipient of a batch shares the answer.
 */
export function holdFor(input: {
  channel: DispatchChannel; priority: number; sendAt: Date | null; now: Date; quietHours: QuietHours; overrides?: ReadonlyArray<QuietHoursOverride | undefined>;
}): Hold | null {
  const { priority, sendAt, now } = input;
  const goesAt = sendAt && sendAt > now ? sendAt : now;
  const quiet = quietRuleFor(input.channel, input.quietHours, input.overrides);
  const quietEnd = quiet && priority < quiet.bypassPriority ? quietPeriodEnd(quiet, goesAt) : null;
  if (quietEnd) return { reason: 'quiet_hours', dueAt: quietEnd };
  if (goesAt > now) return { reason: 'send_at', dueAt: goesAt };
  return null;
}
