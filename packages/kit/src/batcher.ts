export interface BatcherOptions<I, O> {
  /** writes one group; must answer one result per item, in order */
  flush(items: I[]): Promise<O[]>;
  /** a group is written once it holds this many items… */
  maxItems: number;
  /** …or this long after its first item arrived, whichever comes first */
  maxDelayMs: number;
}

export interface Batcher<I, O> {
  add(item: I): Promise<O>;
  /** writes what is waiting now and waits for every group in progress */
  drain(): Promise<void>;
}

/**
 * Many small writes become one statement per group: at a thousand messages a second one round trip per message
 * would keep the pool's connections busy with latency rather than work. A failed group rejects each of its items.
 */
export function createBatcher<I, O>(options: BatcherOptions<I, O>): Batcher<I, O> {
  let pending: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  let timer: NodeJS.Timeout | undefined;
  const running = new Set<Promise<void>>();

  const flushNow = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const group = pending;
    pending = [];
    const run = options.flush(group.map((entry) => entry.item)).then(
      (results) => {
        if (results.length !== group.length) throw new Error(`batch flush answered ${results.length} results for ${group.length} items`);
        group.forEach((entry, i) => entry.resolve(results[i]!));
      },
    ).catch((error: unknown) => group.forEach((entry) => entry.reject(error)));
    running.add(run);
    void run.finally(() => running.delete(run));
  };

  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (pending.length >= options.maxItems) flushNow();
        else timer ??= setTimeout(flushNow, options.maxDelayMs);
      });
    },
    async drain() {
      flushNow();
      await Promise.all([...running]);
    },
  };
}
