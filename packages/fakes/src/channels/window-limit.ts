/** A limit as providers document them: so many per window, per some key (a robot, a phone number, a member). */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

/**
 * Sliding-window counters. `take` counts the attempt only when it is allowed, as providers do (a refused send does
 * not use up quota), and says when the oldest counted attempt leaves the window.
 */
export class WindowCounter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  take(key: string, limit: WindowLimit): { ok: true } | { ok: false; retryAfterMs: number } {
    const at = this.now();
    const list = (this.hits.get(key) ?? []).filter((t) => t > at - limit.windowMs);
    if (list.length >= limit.max) {
      this.hits.set(key, list);
      return { ok: false, retryAfterMs: Math.max(1, list[0]! + limit.windowMs - at) };
    }
    list.push(at);
    this.hits.set(key, list);
    return { ok: true };
  }

  /** every limit must allow the attempt; it is counted in all of them or none */
  takeAll(key: string, limits: readonly (WindowLimit & { name: string })[]): { ok: true } | { ok: false; retryAfterMs: number; name: string } {
    const at = this.now();
    for (const limit of limits) {
      const list = (this.hits.get(`${limit.name}\u0000${key}`) ?? []).filter((t) => t > at - limit.windowMs);
      if (list.length >= limit.max) return { ok: false, retryAfterMs: Math.max(1, list[0]! + limit.windowMs - at), name: limit.name };
    }
    for (const limit of limits) this.take(`${limit.name}\u0000${key}`, { max: Number.MAX_SAFE_INTEGER, windowMs: limit.windowMs });
    return { ok: true };
  }

  reset(): void {
    this.hits.clear();
  }
}
