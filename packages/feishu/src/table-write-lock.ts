import { sleep } from '@doitcrm/retry';
import type { Limiter } from '@doitcrm/limits';
import { FeishuError } from './feishu-error.ts';

export interface TableWriteLockOptions {
  /** across processes: a concurrency lease of 1 per table in Redis (packages/limits); null = this process only */
  limiter: Limiter | null;
  /**
   * a lease a crashed writer (kill -9) left behind frees itself after this long; default 15 s. A live writer renews
   * its lease every third of it, so one write may take longer with all its retries.
   */
  leaseMs?: number;
  /** give up waiting for the table after this long; default 300 s */
  maxWaitMs?: number;
}

/**
 * One write at a time per table. Bitable answers 1254291 when two writes to one table overlap (§2.3, §2.5), so the
 * client queues its own writes per table (in arrival order) and, given Redis, takes a lease that every process
 * writing to the table shares. Reads are not serialised.
 */
export class TableWriteLock {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly leaseMs: number;
  private readonly maxWaitMs: number;

  constructor(private readonly options: TableWriteLockOptions) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.maxWaitMs = options.maxWaitMs ?? 300_000;
  }

  async run<T>(appToken: string, tableId: string, endpoint: string, write: () => Promise<T>): Promise<T> {
    const key = `${appToken}/${tableId}`;
    const before = this.tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    await before;
    try {
      return await this.acrossProcesses(key, endpoint, write);
    } finally {
      done();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  private async acrossProcesses<T>(key: string, endpoint: string, write: () => Promise<T>): Promise<T> {
    const { limiter } = this.options;
    if (!limiter) return write();
    const started = Date.now();
    for (;;) {
      const decision = await limiter.acquire([
        { kind: 'concurrency', name: 'feishu_table_write', key: `feishu-write:${key}`, limit: 1, leaseMs: this.leaseMs, pollMs: 50 },
      ]);
      if (decision.outcome === 'reserved') {
        const { reservation } = decision;
        const renew = setInterval(() => { void limiter.extend(reservation); }, Math.max(1, Math.floor(this.leaseMs / 3)));
        try {
          return await write();
        } finally {
          clearInterval(renew);
          await limiter.release(reservation);
        }
      }
      if (Date.now() - started > this.maxWaitMs) {
        throw new FeishuError({
          kind: 'busy', code: null, endpoint, retryable: true,
          hint: `另一个进程一直在写这张表，等待超过 ${this.maxWaitMs} ms (another process kept writing this table for ${this.maxWaitMs} ms${decision.reason === 'unavailable' ? '; Redis did not answer' : ''})`,
        });
      }
      await sleep(Math.max(1, Math.min(decision.retryAfterMs, 250)));
    }
  }
}
