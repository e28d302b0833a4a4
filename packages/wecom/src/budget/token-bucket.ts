/** Clock and sleep are injected so the arithmetic can be tested without waiting. */
export interface TimeSource {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTime: TimeSource = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Client-side rate limiter for one corp: a token bucket refilled at `ratePerMinute`, holding at most `burst`
 * tokens. WeCom counts calls per corp and per API (10,000/min in the 2023 docs, less on older pages), and an
 * exceeded window blocks the corp for the whole window, so the client stays well below and `pauseUntil` lets a
 * 45009 stop every caller, not just the one that saw it.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly perMs: number;

  constructor(
    readonly ratePerMinute: number,
    readonly burst: number,
    private readonly time: TimeSource = realTime,
  ) {
    if (!(ratePerMinute > 0)) throw new RangeError('ratePerMinute must be positive');
    if (!(burst >= 1)) throw new RangeError('burst must be at least 1');
    this.perMs = ratePerMinute / 60_000;
    this.tokens = burst;
    this.refilledAt = time.now();
  }

  /**
   * Takes a token now if one is there and returns 0; otherwise takes nothing and returns how many ms to wait
   * before asking again. Pure bookkeeping, no timers.
   */
  tryTake(now: number = this.time.now()): number {
    if (now < this.pausedUntil) return this.pausedUntil - now;
    if (now > this.refilledAt) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.perMs);
      this.refilledAt = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / this.perMs);
  }

  /** Waits for a token. Callers are served in arrival order, so a burst of callers cannot starve one of them. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken());
    // a rejected sleep must not jam the queue for everyone behind it
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * No call leaves before `until`, and the bucket starts empty afterwards: after WeCom's interception ends the
   * client resumes at its steady rate instead of a burst that would trip the limit again.
   */
  pauseUntil(until: number): void {
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.tokens = Math.min(this.tokens, 0);
    this.refilledAt = Math.max(this.refilledAt, until);
  }

  get pausedUntilMs(): number {
    return this.pausedUntil;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const wait = this.tryTake(this.time.now());
      if (wait === 0) return;
      await this.time.sleep(wait);
    }
  }
}
