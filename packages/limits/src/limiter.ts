import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ACQUIRE_LUA, EXTEND_LUA, RELEASE_LUA } from './lua.ts';
import { runScript, script, type Script } from './run-script.ts';
import type { Decision, DeferDecision, LimitCheck, Reservation } from './types.ts';

const acquireScript = script(ACQUIRE_LUA);
const releaseScript = script(RELEASE_LUA);
const extendScript = script(EXTEND_LUA);

export interface FailSafeOptions {
  /** how long one call may wait for Redis before it answers "defer"; default 1,000 ms */
  timeoutMs?: number;
  /** how far a message is deferred while Redis does not answer; default 5,000 ms, plus up to 20% jitter */
  unavailableRetryMs?: number;
  random?: () => number;
}

export interface LimiterOptions extends FailSafeOptions {
  /** any ioredis connection (its own keyPrefix applies too); share one with the rest of the service */
  redis: Redis;
  /** put before every key; default `limits:` */
  keyPrefix?: string;
  /**
   * After Redis lost its counts (a restart without persistence, a flush), rate windows up to this long are treated
   * as full until one whole window has been counted again; default 60,000 ms, which covers the windows whose excess
   * providers drop (WeCom's 30 a minute per member, robots' 20 a minute, Feishu's 5/s and 100/min). Longer windows
   * start from zero, as waiting an hour after every restart would stop sending altogether. 0 turns the guard off.
   */
  resetGuardMs?: number;
}

/**
 * `done`: every lease was still held; `expired`: one had lapsed first; `unavailable`: Redis did not answer — the
 * leases then free themselves when they expire, so none of these needs handling beyond a log line. Never throws.
 */
export type LeaseOutcome = 'done' | 'expired' | 'unavailable';

export interface Limiter {
  /** Reserves a slot in every check at once, or none and says until when to defer. Never throws. */
  acquire(checks: readonly LimitCheck[]): Promise<Decision>;
  /** The work is over (sent or failed at the provider): frees the concurrency leases; rates and caps stay counted. */
  release(reservation: Reservation): Promise<LeaseOutcome>;
  /** The message certainly never reached the provider: frees the leases and gives back its rate and cap slots. */
  refund(reservation: Reservation): Promise<LeaseOutcome>;
  /** Keeps the leases of long-running work going; `expired` when one had lapsed (another may hold its place). */
  extend(reservation: Reservation): Promise<LeaseOutcome>;
}

const DAY_US = 86_400_000_000;
const BEIJING_OFFSET_US = 8 * 3_600_000_000;

/** The script's form of a check: short field names, times in µs (Redis TIME's resolution). */
function wire(check: LimitCheck): Record<string, unknown> {
  switch (check.kind) {
    case 'rate':
      return { k: 'log', w: check.windows.map((w) => [w.limit, w.windowMs * 1000]) };
    case 'daily_cap':
      return { k: 'cap', n: check.limit };
    case 'concurrency':
      return { k: 'lease', n: check.limit, ttl: check.leaseMs * 1000, poll: (check.pollMs ?? 100) * 1000 };
  }
}

function validate(check: LimitCheck): void {
  const positiveInt = (n: number) => Number.isInteger(n) && n >= 1;
  const bad = (what: string) => new RangeError(`limit check ${check.name}: ${what}`);
  if (!check.key) throw bad('key is empty');
  if (check.kind === 'rate') {
    if (check.windows.length === 0) throw bad('no window');
    for (const w of check.windows) {
      if (!positiveInt(w.limit) || !positiveInt(w.windowMs)) throw bad('a window needs a positive whole limit and windowMs');
    }
  } else if (!positiveInt(check.limit)) {
    // a limit of 0 would defer forever; a channel that must not send is switched off, not limited to nothing
    throw bad('limit must be a positive whole number');
  } else if (check.kind === 'concurrency' && !positiveInt(check.leaseMs)) {
    throw bad('leaseMs must be a positive whole number');
  }
}

export function unavailable(error: unknown, options: FailSafeOptions): DeferDecision {
  const base = options.unavailableRetryMs ?? 5_000;
  const retryAfterMs = Math.round(base + (options.random ?? Math.random)() * base * 0.2);
  return {
    outcome: 'defer',
    reason: 'unavailable',
    error: error instanceof Error ? error.message : String(error),
    retryAtMs: Date.now() + retryAfterMs,
    retryAfterMs,
  };
}

export function createLimiter(options: LimiterOptions): Limiter {
  const prefix = options.keyPrefix ?? 'limits:';
  const timeoutMs = options.timeoutMs ?? 1_000;
  const guardUs = (options.resetGuardMs ?? 60_000) * 1000;
  const markerKey = `${prefix}counting-since`;
  // ids unique across processes without a random draw per call: a random stem per limiter and a counter
  const stem = randomBytes(6).toString('base64url');
  let sequence = 0;
  const keysOf = (checks: readonly LimitCheck[]) => checks.map((c) => `${prefix}${c.kind}:${c.key}`);
  const payload = (id: string, checks: readonly LimitCheck[], extra: Record<string, unknown> = {}) =>
    JSON.stringify({ id, checks: checks.map(wire), ...extra });

  async function leaseScript(s: Script, reservation: Reservation, args: readonly string[]): Promise<LeaseOutcome> {
    if (reservation.checks.length === 0) return 'done';
    try {
      const held = await runScript(options.redis, s, keysOf(reservation.checks), args, timeoutMs);
      return held === reservation.checks.filter((c) => c.kind === 'concurrency').length ? 'done' : 'expired';
    } catch {
      return 'unavailable';
    }
  }
  function giveBack(reservation: Reservation, mode: 'release' | 'refund'): Promise<LeaseOutcome> {
    // a cap is refunded only on the Beijing day it counted on
    const day = Math.floor((reservation.reservedAtMs * 1000 + BEIJING_OFFSET_US) / DAY_US);
    return leaseScript(releaseScript, reservation, [payload(reservation.id, reservation.checks, { day }), mode]);
  }

  return {
    async acquire(checks) {
      checks.forEach(validate);
      if (checks.length === 0) throw new RangeError('acquire needs at least one check');
      const id = `${stem}${(sequence++).toString(36)}`;
      let answer: unknown;
      try {
        answer = await runScript(options.redis, acquireScript, [...keysOf(checks), markerKey], [payload(id, checks, { guard: guardUs })], timeoutMs);
      } catch (error) {
        return unavailable(error, options);
      }
      const [granted, nowUs, retryAtUs, ...refused] = answer as [number, string, string, ...number[]];
      const nowMs = Number(nowUs) / 1000;
      if (granted === 1) return { outcome: 'reserved', reservation: { id, reservedAtMs: nowMs, checks } };
      return {
        outcome: 'defer',
        reason: 'limit',
        refusedBy: refused.map((i) => checks[i - 1]!.name),
        // rounded up: a caller coming back on the millisecond must not be a microsecond early
        retryAtMs: Math.ceil(Number(retryAtUs) / 1000),
        retryAfterMs: Math.max(0, Math.ceil((Number(retryAtUs) - Number(nowUs)) / 1000)),
      };
    },
    release: (reservation) => giveBack(reservation, 'release'),
    refund: (reservation) => giveBack(reservation, 'refund'),
    extend: (reservation) => leaseScript(extendScript, reservation, [payload(reservation.id, reservation.checks)]),
  };
}
