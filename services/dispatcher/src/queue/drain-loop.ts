import type { Logger } from '@doitcrm/kit';

/**
 * Runs `pass` until it reports no more work, again whenever nudged, and on a timer as the fallback for work another
 * instance wrote. One pass at a time per process; a nudge during a pass makes the loop go round once more, so
 * nothing committed before the nudge waits for the timer. Several instances may run theirs: the passes claim rows
 * with SKIP LOCKED.
 */
export class DrainLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: {
    name: string;
    logger: Logger;
    intervalMs: number;
    /** one claim-and-handle pass; resolves with how many rows it handled, `more` when it stopped at its batch size */
    pass: () => Promise<{ handled: number; more: boolean }>;
  }) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.drain().catch(() => {}).finally(tick);
      }, this.options.intervalMs);
    };
    tick();
  }

  /** Wakes the loop now (after a commit that left work for it); failures are logged and left to the timer. */
  nudge(): void {
    this.drain().catch(() => {});
  }

  /** Handles everything there is now; resolves with how many rows this and any overlapping nudge handled. */
  drain(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop()
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error }, `${this.options.name} pass failed; retried on the next tick`);
        throw error;
      })
      .finally(() => { this.running = undefined; });
    return this.running;
  }

  private async loop(): Promise<number> {
    let handled = 0;
    do {
      this.again = false;
      for (;;) {
        const result = await this.options.pass();
        handled += result.handled;
        if (!result.more || this.stopped) break;
      }
    } while (this.again && !this.stopped);
    return handled;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }
}
