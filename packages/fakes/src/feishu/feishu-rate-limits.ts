import { FeishuFakeFailure } from './feishu-fake-state.ts';
import type { FeishuEndpoint } from './feishu-injection.ts';

export type FeishuCallsPerSecond = Partial<Readonly<Record<FeishuEndpoint, number>>>;

const WINDOW_MS = 1_000;

/**
 * Feishu's frequency control (频控, external-apis.md §2.5): a ceiling of calls per second per API for the app. A call
 * past it is answered HTTP 429, code 99991400, with `x-ogw-ratelimit-limit` and the whole seconds to wait in
 * `x-ogw-ratelimit-reset`; a refused call takes no slot. The window slides, so no second is ever over the ceiling.
 */
export class FeishuRateLimits {
  private readonly recent = new Map<FeishuEndpoint, number[]>();

  constructor(private readonly limits: () => FeishuCallsPerSecond) {}

  /** Takes a slot for this call, or throws the 429 Feishu answers. */
  take(endpoint: FeishuEndpoint, now: number): void {
    const limit = this.limits()[endpoint];
    if (limit === undefined) return;
    const times = (this.recent.get(endpoint) ?? []).filter((at) => at > now - WINDOW_MS);
    this.recent.set(endpoint, times);
    if (times.length >= limit) {
      const resetSeconds = Math.max(1, Math.ceil((times[0]! + WINDOW_MS - now) / 1000));
      throw new FeishuFakeFailure(99991400, 'request trigger frequency limit', 429, {
        headers: { 'x-ogw-ratelimit-limit': String(limit), 'x-ogw-ratelimit-reset': String(resetSeconds) },
      });
    }
    times.push(now);
  }
}

export function checkCallsPerSecond(limits: FeishuCallsPerSecond | undefined): FeishuCallsPerSecond {
  for (const [endpoint, value] of Object.entries(limits ?? {})) {
    if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`callsPerSecond.${endpoint} must be a positive integer`);
  }
  return { ...limits };
}
