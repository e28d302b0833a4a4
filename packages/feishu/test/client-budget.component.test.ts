import { randomBytes } from 'node:crypto';
import { createLimiter } from '@doitcrm/limits';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import { createRedisRateBudget } from '../src/index.ts';
import { startHarness } from './feishu-fake-harness.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `test:feishu-budget:${randomBytes(5).toString('hex')}:`;
const connections: Redis[] = [];

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.quit()));
  const plain = new Redis(REDIS_URL);
  const keys = await plain.keys(`${keyPrefix}*`);
  if (keys.length > 0) await plain.del(...keys);
  await plain.quit();
});

function connect(): Redis {
  const redis = new Redis(REDIS_URL, { keyPrefix });
  connections.push(redis);
  return redis;
}

describe('Feishu client: the rate budget shared in Redis', () => {
  test('when two processes list fields against a shared budget of 3 a second, then the calls past the budget wait for the sliding window (7 calls after 2 take over 1.5 s)', async () => {
    // Arrange: each "process" has its own Redis connection and limiter; only the counts in Redis are shared
    const h = await startHarness({ demo: { students: 1 } });
    const budget = () => createRedisRateBudget({
      limiter: createLimiter({ redis: connect(), resetGuardMs: 0 }), appId: h.fake.appId, callsPerSecond: { fields_list: 3 },
    });
    const [a, b] = [h.client({ budget: budget() }), h.client({ budget: budget() })];
    await Promise.all([a.listFields(h.students), b.listFields(h.students)]);
    const started = Date.now();

    // Act: 7 more calls between them (9 in all)
    await Promise.all([a, a, a, a, b, b, b].map((client) => client.listFields(h.students)));

    // Assert: 9 calls at 3 per sliding second: the last three leave two seconds after the first (without a budget: ~50 ms)
    expect(h.fake.calls.count('fields_list', 0)).toBe(9);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
  });
});
