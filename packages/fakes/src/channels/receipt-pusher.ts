/** How an SMS fake pushes delivery receipts to the URL a provider console would hold. */
export interface ReceiptPushOptions {
  /** where receipts are POSTed (the receiving side's token in it) */
  url: string;
  /** after the send, before its receipt goes; default 1,000 ms */
  delayMs?: number;
  /** share of receipts saying the message was not delivered (a number out of service); default 0 */
  failShare?: number;
  /** numbers whose receipts always say not delivered */
  failNumbers?: readonly string[];
  /** share of receipts pushed a second time, as a provider does when it missed our answer; default 0 */
  duplicateShare?: number;
  /** each receipt waits a random time in [0, 2 × delayMs] instead of delayMs, so they arrive out of send order */
  outOfOrder?: boolean;
  /** receipts due together go in one push, up to this many; default 100 (Aliyun pushes batches) */
  batchSize?: number;
  /** pushes answered otherwise than 200 are tried again, this many times, delayMs apart; default 3 */
  retries?: number;
  random?: () => number;
  fetch?: typeof fetch;
}

export interface ReceiptPush {
  items: unknown[];
  /** the HTTP status, null when the request failed */
  status: number | null;
  body: string;
}

export interface ReceiptPusher {
  /** a delivery's receipt, built once whether it is delivered is decided */
  add(phone: string, build: (delivered: boolean) => unknown): void;
  /** every push made, in order, with the answer */
  readonly pushes: readonly ReceiptPush[];
  /** resolves once nothing is waiting to be pushed */
  idle(): Promise<void>;
  close(): void;
}

/** The provider's times: Beijing wall clock, `YYYY-MM-DD HH:MM:SS`. */
export const beijingClock = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Receipts as the providers push them: some time after the send, in batches, the odd one pushed twice or out of order,
 * retried when the receiver does not answer 200. The item's shape is the caller's (each provider its own).
 */
export function createReceiptPusher(options: ReceiptPushOptions): ReceiptPusher {
  const random = options.random ?? Math.random;
  const delayMs = options.delayMs ?? 1_000;
  const batchSize = options.batchSize ?? 100;
  const failNumbers = new Set(options.failNumbers ?? []);
  const pushes: ReceiptPush[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let outstanding = 0;
  let waiters: Array<() => void> = [];
  let due: unknown[] = [];
  let closed = false;

  const settle = () => {
    outstanding = Math.max(0, outstanding - 1);
    if (outstanding === 0) {
      for (const resolve of waiters) resolve();
      waiters = [];
    }
  };
  const later = (ms: number, work: () => void) => {
    outstanding += 1;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) work();
      settle();
    }, ms);
    timers.add(timer);
  };

  async function push(items: unknown[], triesLeft: number): Promise<void> {
    outstanding += 1;
    try {
      const response = await (options.fetch ?? fetch)(options.url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items), signal: AbortSignal.timeout(10_000),
      });
      const body = await response.text();
      pushes.push({ items, status: response.status, body });
      if (response.status !== 200 && triesLeft > 0) later(delayMs, () => void push(items, triesLeft - 1));
    } catch (error) {
      pushes.push({ items, status: null, body: error instanceof Error ? error.message : String(error) });
      if (triesLeft > 0) later(delayMs, () => void push(items, triesLeft - 1));
    } finally {
      settle();
    }
  }

  // receipts that come due in the same tick go out together, as a provider's batch
  const flush = () => {
    const items = due;
    due = [];
    for (let i = 0; i < items.length; i += batchSize) void push(items.slice(i, i + batchSize), options.retries ?? 3);
  };
  const enqueue = (item: unknown) => {
    if (due.length === 0) later(0, flush);
    due.push(item);
  };

  return {
    add(phone, build) {
      if (closed) return;
      const delivered = !failNumbers.has(phone) && random() >= (options.failShare ?? 0);
      const item = build(delivered);
      const wait = () => (options.outOfOrder ? Math.round(random() * 2 * delayMs) : delayMs);
      later(wait(), () => enqueue(item));
      if (random() < (options.duplicateShare ?? 0)) later(wait() + delayMs, () => enqueue(item));
    },
    pushes,
    idle: () => (outstanding === 0 ? Promise.resolve() : new Promise((resolve) => { waiters.push(resolve); })),
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      outstanding = 0;
      for (const resolve of waiters) resolve();
      waiters = [];
    },
  };
}
