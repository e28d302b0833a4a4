import { randomBytes } from 'node:crypto';
import { createLimiter } from '@doitcrm/limits';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import { TableWriteLock } from '../src/table-write-lock.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `test:feishu-lock:${randomBytes(5).toString('hex')}:`;
const connections: Redis[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.quit()));
  const plain = new Redis(REDIS_URL);
  const keys = await plain.keys(`${keyPrefix}*`);
  if (keys.length > 0) await plain.del(...keys);
  await plain.quit();
});

/** A lock as one process holds it: its own Redis connection and limiter, only the lease in Redis shared. */
function processLock(leaseMs: number): TableWriteLock {
  const redis = new Redis(REDIS_URL, { keyPrefix });
  connections.push(redis);
  return new TableWriteLock({ limiter: createLimiter({ redis, resetGuardMs: 0 }), leaseMs });
}

describe('Feishu client: one write at a time per table, across processes', () => {
  test('when a write outlasts its lease, then the writer renews it and a second process still waits for the write to end', async () => {
    // Arrange: a 300 ms lease, and a write that takes over three times as long
    const [a, b] = [processLock(300), processLock(300)];
    const spans: Record<string, { start: number; end: number }> = {};
    const write = (name: string, ms: number) => async () => {
      const start = Date.now();
      await sleep(ms);
      spans[name] = { start, end: Date.now() };
    };

    // Act
    const first = a.run('app', 'tbl', 'records_batch_create', write('a', 1_000));
    await sleep(100);
    await Promise.all([first, b.run('app', 'tbl', 'records_batch_create', write('b', 10))]);

    // Assert: without the renewal the lease would have lapsed at 300 ms and b written in the middle of a's write
    expect(spans.b!.start).toBeGreaterThanOrEqual(spans.a!.end);
  });
});
