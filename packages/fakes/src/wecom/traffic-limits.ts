interface Window {
  startedAt: number;
  calls: number;
  blockedUntil: number;
}

/**
 * WeCom's server-side limits per endpoint (https://developer.work.weixin.qq.com/document/path/90454): a fixed window of calls (45009 when exceeded, and the
 * interception lasts one whole window) and a cap on calls in flight (45033).
 */
export class TrafficLimits {
  private readonly windows = new Map<string, Window>();
  private readonly inFlight = new Map<string, number>();
  private readonly peaks = new Map<string, number>();

  /** Counts the call; returns 45009 if it is over the limit or inside an interception, else null. */
  admitRate(endpoint: string, nowMs: number, limit: { calls: number; windowMs: number }): 45009 | null {
    let window = this.windows.get(endpoint);
    if (!window) {
      window = { startedAt: nowMs, calls: 0, blockedUntil: 0 };
      this.windows.set(endpoint, window);
    }
    if (nowMs < window.blockedUntil) return 45009;
    if (nowMs - window.startedAt >= limit.windowMs) {
      window.startedAt = nowMs;
      window.calls = 0;
    }
    window.calls += 1;
    if (window.calls > limit.calls) {
      window.blockedUntil = nowMs + limit.windowMs;
      return 45009;
    }
    return null;
  }

  /** Enters the endpoint if fewer than `max` calls are in flight; the caller must `leave` afterwards. */
  enter(endpoint: string, max: number): boolean {
    const current = this.inFlight.get(endpoint) ?? 0;
    if (current >= max) return false;
    this.inFlight.set(endpoint, current + 1);
    this.peaks.set(endpoint, Math.max(this.peaks.get(endpoint) ?? 0, current + 1));
    return true;
  }

  leave(endpoint: string): void {
    this.inFlight.set(endpoint, Math.max(0, (this.inFlight.get(endpoint) ?? 1) - 1));
  }

  /** the most calls of one endpoint admitted in flight at once so far */
  peakInFlight(endpoint: string): number {
    return this.peaks.get(endpoint) ?? 0;
  }

  /** forgets counted windows and interceptions (not calls in flight) */
  resetWindows(): void {
    this.windows.clear();
  }
}
