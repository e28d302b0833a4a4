export interface BatcherOptions<I, O> {
  /** writes one group; must answer one result per item, in order */
  flush(items: I[]): Promise<O[]>;
  /** a group is written once it holds this many items… */
  maxItems: number;
  /** …or, while a group is being written, this long after the first waiting item arrived */
  maxDelayMs: number;
  /** groups written at once (default 1); more overlap one group's round trip with the next group's */
  maxConcurrent?: number;
  /**
   * A hard cap on groups being written, the `maxDelayMs` ones included (default: none). Without it a slow database
   * gets a new group every `maxDelayMs`, each holding a pooled connection, until the pool is taken from everything
   * else in the process; with it, waiting items go out as soon as a group finishes.
   */
  maxInFlight?: number;
  /**
   * every group waits `maxDelayMs` from its first item, however many are being written: for a write whose callers
   * wait on something slower anyway, where a group per item would cost more than the wait
   */
  alwaysWait?: boolean;
}

export interface Batcher<I, O> {
  add(item: I): Promise<O>;
  /** writes what is waiting now and waits for every group in progress */
  drain(): Promise<void>;
}

/**
 * Many small writes become one statement per group ("group commit"): when fewer than `maxConcurrent` groups are being
 * written an item goes out at once (with whatever arrived in the same turn of the event loop), and items arriving
 * while they are written wait and go out together — so a lone message pays no delay, and at a thousand a second one round trip serves
 * dozens. A failed group rejects each of its items.
 */
export function createBatcher<I, O>(options: BatcherOptions<I, O>): Batcher<I, O> {
  const pending: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const running = new Set<Promise<void>>();
  const maxConcurrent = options.maxConcurrent ?? 1;
  const maxInFlight = options.maxInFlight ?? Infinity;
  // a group was due but held back by maxInFlight: the next group to finish sends it
  let held = false;

  const flushNow = () => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
    if (pending.length === 0) return;
    if (running.size >= maxInFlight) {
      held = true;
      return;
    }
    const group = pending.splice(0, options.maxItems);
    const run = options.flush(group.map((entry) => entry.item)).then(
      (results) => {
        if (results.length !== group.length) throw new Error(`batch flush answered ${results.length} results for ${group.length} items`);
        group.forEach((entry, i) => entry.resolve(results[i]!));
      },
    ).catch((error: unknown) => group.forEach((entry) => entry.reject(error)));
    running.add(run);
    void run.finally(() => {
      running.delete(run);
      if (pending.length === 0) return;
      if (held) {
        held = false;
        flushNow();
      } else if (running.size < maxConcurrent) schedule();
    });
    if (pending.length >= options.maxItems) flushNow();
    else if (options.alwaysWait && pending.length > 0) schedule();
  };

  const schedule = () => {
    if (pending.length >= options.maxItems) flushNow();
    else if (options.alwaysWait) timer ??= setTimeout(flushNow, options.maxDelayMs);
    else if (running.size < maxConcurrent) immediate ??= setImmediate(flushNow);
    else timer ??= setTimeout(flushNow, options.maxDelayMs);
  };

  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        schedule();
      });
    },
    async drain() {
      while (pending.length > 0) {
        if (running.size >= maxInFlight) await Promise.race(running);
        else flushNow();
      }
      await Promise.all([...running]);
    },
  };
}
