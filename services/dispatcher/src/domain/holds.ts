import type { DispatchChannel } from '@doitcrm/types';
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

/**
 * Whether a send is held in PostgreSQL rather than queued now, and until when: a future `send_at` holds it until
 * then, and a message that would go out inside the quiet hours (at send_at, or now) waits for their end, unless its
 * channel is not a quiet one or its priority passes them. Every recipient of a batch shares the answer.
 */
export function holdFor(input: { channel: DispatchChannel; priority: number; sendAt: Date | null; now: Date; quietHours: QuietHours }): Hold | null {
  const { channel, priority, sendAt, now, quietHours } = input;
  const goesAt = sendAt && sendAt > now ? sendAt : now;
  const quiet = quietHours.enabled && quietHours.channels.includes(channel) && priority < quietHours.bypassPriority;
  const quietEnd = quiet ? quietPeriodEnd(quietHours, goesAt) : null;
  if (quietEnd) return { reason: 'quiet_hours', dueAt: quietEnd };
  if (goesAt > now) return { reason: 'send_at', dueAt: goesAt };
  return null;
}
