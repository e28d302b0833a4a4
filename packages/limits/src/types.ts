/** At most `limit` reservations in any window of `windowMs` (a sliding window: every instant, not clock minutes). */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/**
 * One limit a reservation must fit. `key` names what is counted (`recipient:wecom_app:zhangsan`); the limiter puts
 * its own prefix before it. `name` is what a refusal reports (`recipient_rate`, `feishu_bot_rate` …).
 */
export type LimitCheck =
  /** exact sliding log: all windows share one log of reservation times, each window holds at most its limit */
  | { kind: 'rate'; name: string; key: string; windows: readonly RateWindow[] }
  /** at most `limit` per Beijing day (Asia/Shanghai, UTC+8), counted from Beijing midnight */
  | { kind: 'daily_cap'; name: string; key: string; limit: number }
  /**
   * at most `limit` held at once; a lease not released within `leaseMs` frees itself (its worker crashed).
   * A refusal retries after `pollMs` (default 100) or when the oldest lease expires, whichever is sooner.
   */
  | { kind: 'concurrency'; name: string; key: string; limit: number; leaseMs: number; pollMs?: number };

/** What a granted reservation holds; hand it back to `release` (always) or `refund`. */
export interface Reservation {
  id: string;
  /** Redis's clock when the slots were recorded, ms since the epoch */
  reservedAtMs: number;
  checks: readonly LimitCheck[];
}

/**
 * The answer of `acquire`. There is no "skip": a message that does not fit is deferred to `retryAfterMs` from now.
 * - `reserved`: every check had room and each recorded this reservation (all or none).
 * - `defer` / `limit`: `refusedBy` names the checks without room; `retryAtMs` (Redis's clock) is the earliest time
 *   all of them have room again — exact for rates and daily caps, a poll interval for concurrency.
 * - `defer` / `unavailable`: Redis did not answer (down, timed out, script error). Nothing is known, so nothing is
 *   allowed: the caller defers like any other refusal. `retryAtMs` is then the caller's clock + `retryAfterMs`.
 */
export type Decision =
  | { outcome: 'reserved'; reservation: Reservation }
  | { outcome: 'defer'; reason: 'limit'; refusedBy: string[]; retryAtMs: number; retryAfterMs: number }
  | { outcome: 'defer'; reason: 'unavailable'; error: string; retryAtMs: number; retryAfterMs: number };

export type DeferDecision = Extract<Decision, { outcome: 'defer' }>;
