import { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

export type { Redis };

/**
 * `autoPipelining`: commands issued in one turn of the event loop go to Redis in one write — for a hot path that
 * makes a few calls per message for hundreds of messages at once (the dispatcher's limits and dedupe).
 */
export function createRedis(options: { redisUrl: string; keyPrefix?: string; logger?: Logger; lazy?: boolean; autoPipelining?: boolean }): Redis {
  const redis = new Redis(options.redisUrl, {
    keyPrefix: options.keyPrefix,
    lazyConnect: options.lazy ?? false,
    enableAutoPipelining: options.autoPipelining ?? false,
    maxRetriesPerRequest: 3,
    // keep trying to reconnect forever, at most every 5 s: Redis restarts must not need a service restart
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  redis.on('error', (error) => options.logger?.warn({ err: error }, 'Redis connection problem'));
  return redis;
}

export async function pingRedis(redis: Redis): Promise<void> {
  const answer = await redis.ping();
  if (answer !== 'PONG') throw new Error(`Redis answered ${answer}`);
}
