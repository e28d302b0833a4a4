import { realTime, TokenBucket, type TimeSource } from './token-bucket.ts';

/**
 * Where the client asks before each WeCom call. `take` resolves when a call to `api` may leave (or throws a
 * `WecomRateLimitedError` naming when to retry); `pause` is told about a 45009 so no caller spends a call on an
 * API WeCom is intercepting.
 */
export interface RateBudget {
  take(api: string): Promise<void>;
  pause(api: string, ms: number): Promise<void>;
  /** until when this process knows the corp to be paused (0 when it is not), for diagnostics */
  readonly pausedUntilMs: number;
}

/**
 * The budget of one process: a token bucket for every API of the corp together, and a 45009 pauses them all.
 * Used when the client gets no Redis — the package's own tests and scripts that run alone; services pass their
 * Redis so every process shares the corp's budget (`createRedisRateBudget`).
 */
export function createLocalRateBudget(ratePerMinute: number, burst: number, time: TimeSource = realTime): RateBudget {
  const bucket = new TokenBucket(ratePerMinute, burst, time);
  return {
    take: () => bucket.take(),
    pause: async (_api, ms) => bucket.pauseUntil(time.now() + ms),
    get pausedUntilMs() {
      return bucket.pausedUntilMs;
    },
  };
}
