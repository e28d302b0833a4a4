import type { ChannelName } from './channel-types.ts';

/**
 * transient: try again later (5xx, system busy, network, timeout); rate-limited: the provider said slow down,
 * wait `retryAfterMs` when given; permanent: retrying the same send cannot succeed.
 */
export type ChannelErrorKind = 'transient' | 'permanent' | 'rate-limited';

export interface ChannelErrorInit {
  channel: ChannelName;
  kind: ChannelErrorKind;
  /** the provider's own code (`isv.BUSINESS_LIMIT_CONTROL`, 45009, `LimitExceeded.…`, an HTTP status, `timeout`) */
  code: string;
  message: string;
  retryAfterMs?: number;
  /**
   * the failure is about this recipient (bad number, not a follower, per-number frequency limit), not about the
   * provider: another provider will not do better, so the SMS router does not fail over
   */
  recipient?: boolean;
  /** the provider may have sent it (timeout after the request left): a retry can duplicate unless the call is idempotent */
  ambiguous?: boolean;
  cause?: unknown;
}

export class ChannelError extends Error {
  readonly channel: ChannelName;
  readonly kind: ChannelErrorKind;
  readonly code: string;
  readonly retryAfterMs: number | undefined;
  readonly recipient: boolean;
  readonly ambiguous: boolean;

  constructor(init: ChannelErrorInit) {
    super(`${init.channel}: ${init.message} (${init.code})`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ChannelError';
    this.channel = init.channel;
    this.kind = init.kind;
    this.code = init.code;
    this.retryAfterMs = init.retryAfterMs;
    this.recipient = init.recipient ?? false;
    this.ambiguous = init.ambiguous ?? false;
  }
}

export const isChannelError = (error: unknown): error is ChannelError => error instanceof ChannelError;

/** `Retry-After` as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterHeader(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** China's providers count daily quotas by the Beijing calendar day: ms until the next 00:00 UTC+8. */
export function untilNextBeijingDay(nowMs = Date.now()): number {
  const dayMs = 86_400_000;
  const beijing = nowMs + 8 * 3_600_000;
  return dayMs - (beijing % dayMs);
}
