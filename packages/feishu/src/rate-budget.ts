import { sleep } from '@doitcrm/retry';
import type { Limiter } from '@doitcrm/limits';
import { FeishuError } from './feishu-error.ts';

/** Where the client asks before each call; `take` resolves when a call to `endpoint` may leave. */
export interface RateBudget {
  take(endpoint: string): Promise<void>;
}

/**
 * Calls per second the client allows itself per app and API. Feishu limits per API × app × tenant (频控策略, §2.5):
 * search and field listing 20/s, record writes 50/s in current docs but 10/s in older ones. The client keeps a tenth
 * below the lower figures: enough for the jitter between when a call leaves and when Feishu counts it, since a 429
 * costs a counted call and a wait of at least a second. (A fifth below, as before, made a 10,000-row sync a fifth
 * slower than the limits allow: `npm run bench:feishu`.)
 */
export const DEFAULT_CALLS_PER_SECOND: Readonly<Record<string, number>> = Object.freeze({
  tenant_access_token: 5,
  tables_list: 9,
  fields_list: 18,
  records_search: 18,
  record_get: 18,
  records_batch_create: 9,
  records_batch_update: 9,
  records_batch_delete: 9,
});

export interface RedisRateBudgetOptions {
  limiter: Limiter;
  appId: string;
  callsPerSecond?: Readonly<Record<string, number>>;
  /** give up (throw `rate_limited`) when the budget has no room for this long; default 60 s */
  maxWaitMs?: number;
}

/**
 * The app's budget counted in Redis (packages/limits' sliding log), so every process calling Feishu for one app —
 * the sync's workers, a bench — spends from the same counts. Redis not answering defers like a full window.
 */
export function createRedisRateBudget(options: RedisRateBudgetOptions): RateBudget {
  const rates = { ...DEFAULT_CALLS_PER_SECOND, ...options.callsPerSecond };
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  return {
    async take(endpoint) {
      const limit = rates[endpoint] ?? 5;
      const started = Date.now();
      for (;;) {
        const decision = await options.limiter.acquire([
          { kind: 'rate', name: `feishu_${endpoint}`, key: `feishu:${options.appId}:${endpoint}`, windows: [{ limit, windowMs: 1_000 }] },
        ]);
        if (decision.outcome === 'reserved') return;
        if (Date.now() - started + decision.retryAfterMs > maxWaitMs) {
          throw new FeishuError({
            kind: 'rate_limited', code: null, endpoint, retryable: true,
            hint: `本应用的飞书调用预算已用完，等待超过 ${maxWaitMs} ms (the app's shared Feishu call budget stayed full for ${maxWaitMs} ms${decision.reason === 'unavailable' ? '; Redis did not answer' : ''})`,
          });
        }
        await sleep(Math.max(1, decision.retryAfterMs));
      }
    },
  };
}
