/**
 * Two writers that wait on each other's progress: the sync writes the students table and the learning-records table
 * at the same time (Bitable serialises writes per table, not per base), and each waits only for the ids it needs from
 * the other. The first failure stops both at their next step, so an attempt never leaves one lane running behind it.
 */
export class WriteLanes {
  private failure: { error: unknown } | null = null;
  private readonly waiters = new Set<() => void>();
  private running = 0;

  /** Resolves once `ready()` holds, re-checked whenever a lane moves; throws when a lane failed or all have ended. */
  async until(ready: () => boolean, what: string): Promise<void> {
    for (;;) {
      this.check();
      if (ready()) return;
      // only this lane is left: nothing can make it ready any more (a plan that names an id no lane makes)
      if (this.running <= 1) throw new Error(`同步计划有误：${what} 永远等不到`);
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  /** A lane made progress (or stopped): whoever waits checks again. */
  moved(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  /** Throws when another lane failed: call before each step. */
  check(): void {
    if (this.failure) throw new LaneStopped();
  }

  /** Runs the lanes together; rejects with the first real failure once every lane has stopped. */
  async run(lanes: Array<() => Promise<void>>): Promise<void> {
    this.running = lanes.length;
    await Promise.allSettled(lanes.map(async (lane) => {
      try {
        await lane();
      } catch (error) {
        if (!(error instanceof LaneStopped)) this.failure ??= { error };
      } finally {
        this.running -= 1;
        this.moved();
      }
    }));
    if (this.failure) throw this.failure.error;
  }
}

class LaneStopped extends Error {
  constructor() {
    super('stopped: the other lane failed');
  }
}
