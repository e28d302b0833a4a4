import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Connections on a key prefix of this test file's own (removed after each test): each connection stands for one
 * worker or instance, sharing with the others only what is in Redis.
 */
export function redisHarness() {
  const keyPrefix = `test:limits:${randomBytes(5).toString('hex')}:`;
  const connections: Redis[] = [];
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
    const plain = new Redis(REDIS_URL);
    const keys = await plain.keys(`${keyPrefix}*`);
    if (keys.length > 0) await plain.del(...keys);
    await plain.quit();
  });
  return {
    keyPrefix,
    connect(): Redis {
      const redis = new Redis(REDIS_URL, { keyPrefix });
      connections.push(redis);
      return redis;
    },
    /** Redis's own clock, ms */
    async redisNowMs(): Promise<number> {
      const plain = new Redis(REDIS_URL);
      const [sec, usec] = await plain.time();
      await plain.quit();
      return Number(sec) * 1000 + Number(usec) / 1000;
    },
  };
}

/** For every granted time t: how many grants fall in (t - windowMs, t] — the most any sliding window ever held. */
export function busiestWindow(grantsMs: readonly number[], windowMs: number): number {
  const sorted = [...grantsMs].sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to += 1) {
    while (sorted[from]! <= sorted[to]! - windowMs) from += 1;
    most = Math.max(most, to - from + 1);
  }
  return most;
}
