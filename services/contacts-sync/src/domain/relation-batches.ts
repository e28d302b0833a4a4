/**
 * How a pass cuts its members into `batch/get_by_user` batches. Each batch is one cursor chain of sequential calls,
 * so a pass with one batch (up to 100 members) walks its relations one call at a time, whatever the rate budget
 * allows. When the configured batches are fewer than the chains the pass may run at once, the members are cut into
 * `concurrency` equal batches instead. Each extra batch can cost at most one call more than the minimum (its last,
 * part-filled page), so the pass makes at most `concurrency − 1` calls over ceil(pairs / 100): nothing against the
 * thousand calls of a corp where the chain's length matters. Batches already as many as the chains stay as configured.
 */
export function relationBatchSize(members: number, membersPerBatch: number, concurrency: number): number {
  if (members === 0) return membersPerBatch;
  if (Math.ceil(members / membersPerBatch) >= concurrency) return membersPerBatch;
  return Math.ceil(members / Math.min(concurrency, members));
}

/** A batch could not commit because an earlier one failed or the pass is stopping; the first failure is the one reported. */
export class BatchAbortedError extends Error {
  constructor() {
    super('batch abandoned: an earlier batch failed or the pass is stopping');
    this.name = 'BatchAbortedError';
  }
}

/**
 * Batches fetch at once but commit in their order, so the checkpoint stays one number (batches done) and a resume
 * cuts the same batches: batch i commits only after batch i − 1 did. A batch that fails, or a stop, makes every
 * later batch abandon its commit (their rows written ahead are the pass's like any others: the resumed run fetches
 * those batches again and finds them unchanged).
 */
export class CommitTurns {
  private previous: Promise<boolean>;
  private stopped = false;

  constructor() {
    this.previous = Promise.resolve(true);
  }

  get stopping(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Takes the next place in the order; call in batch order, before the batch's work starts. */
  take(): { wait(): Promise<void>; done(committed: boolean): void } {
    const before = this.previous;
    let settle!: (committed: boolean) => void;
    this.previous = new Promise<boolean>((resolve) => { settle = resolve; });
    return {
      wait: async () => {
        const ok = await before;
        if (!ok || this.stopped) throw new BatchAbortedError();
      },
      done: (committed) => {
        if (!committed) this.stopped = true;
        settle(committed);
      },
    };
  }
}
