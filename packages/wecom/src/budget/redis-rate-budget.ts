import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { WecomRateLimitedError } from '../wecom-error.ts';
import type { RateBudget } from './rate-budget.ts';
import { rateRules, type RateRule, type WecomRateLimits } from './rate-limits.ts';
import { realTime, type TimeSource } from './token-bucket.ts';

export interface RedisRateBudgetOptions {
  /** any ioredis connection; its own key prefix applies on top of `keyPrefix` */
  redis: Redis;
  corpId: string;
  limits: WecomRateLimits;
  /**
   * which server IP the calls leave from; processes that share Redis and this name share the per-IP budget.
   * Default `default`: every process on this Redis counts as one IP, which is safe when they really have several.
   */
  egress?: string;
  /** wait at most this long for the budget, then throw `WecomRateLimitedError`; default 65 s (a minute window) */
  maxWaitMs?: number;
  keyPrefix?: string;
  /** tests only: other windows than the documented minute and hour */
  rules?: readonly RateRule[];
  time?: TimeSource;
  random?: () => number;
}

/** The rule a 45009 blocks: WeCom intercepts the corp's calls to that API (see rate-limits.ts). */
const PAUSE_RULE = 'corp_api_pause';

/**
 * The corp's budget counted in Redis, so every process that calls WeCom for the corp (the mapper, contacts sync …)
 * spends from the same counts. Each rule is a fixed window counted atomically by rate-limiter-flexible's
 * `RateLimiterRedis` (one Lua script per count); a call leaves only when every rule had room for it.
 */
export function createRedisRateBudget(options: RedisRateBudgetOptions): RateBudget {
  const time = options.time ?? realTime;
  const random = options.random ?? Math.random;
  const maxWaitMs = options.maxWaitMs ?? 65_000;
  const prefix = options.keyPrefix ?? 'wecom_rate';
  const egress = options.egress ?? 'default';
  const rules = options.rules ?? rateRules(options.limits);
  const limiterOf = (name: string, points: number, duration: number) =>
    new RateLimiterRedis({ storeClient: options.redis, keyPrefix: `${prefix}:${name}`, points, duration });
  const limiters = rules.map((rule) => ({ rule, limiter: limiterOf(rule.name, rule.points, rule.durationSeconds) }));
  // a 45009 blocks this key; it is checked first and counts nothing itself (one point, never consumed)
  const pause = limiterOf(PAUSE_RULE, 1, 60);
  const keyOf = (scope: RateRule['scope'], api: string) => (scope === 'corp' ? `${options.corpId}:${api}` : `${egress}:${api}`);
  let pausedUntil = 0;

  /** 0 when the call may leave (and has been counted), else how long to wait and which rule said no */
  async function tryTake(api: string): Promise<{ waitMs: number; limit: string }> {
    const paused = await pause.get(keyOf('corp', api));
    if (paused && paused.consumedPoints > pause.points) return { waitMs: paused.msBeforeNext, limit: 'paused' };
    for (const { rule, limiter } of limiters) {
      try {
        await limiter.consume(keyOf(rule.scope, api));
      } catch (error) {
        if (error instanceof RateLimiterRes) return { waitMs: error.msBeforeNext, limit: rule.name };
        throw error;
      }
    }
    return { waitMs: 0, limit: '' };
  }

  return {
    async take(api) {
      const deadline = time.now() + maxWaitMs;
      for (;;) {
        const { waitMs, limit } = await tryTake(api);
        if (waitMs <= 0) return;
        // a little jitter, so the callers a window held back do not all come back in the same millisecond
        const sleepMs = waitMs + Math.round(random() * Math.min(250, waitMs / 10));
        if (time.now() + sleepMs > deadline) throw new WecomRateLimitedError(api, limit, waitMs);
        await time.sleep(sleepMs);
      }
    },
    async pause(api, ms) {
      pausedUntil = Math.max(pausedUntil, time.now() + ms);
      // Redis counts whole seconds: a shorter pause is rounded up, never down to no pause at all
      await pause.block(keyOf('corp', api), Math.max(1, Math.ceil(ms / 1000)));
    },
    get pausedUntilMs() {
      return pausedUntil > time.now() ? pausedUntil : 0;
    },
  };
}
