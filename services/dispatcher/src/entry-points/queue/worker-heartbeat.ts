import type { Redis } from '@doitcrm/kit';
import type { DispatchChannel } from '@doitcrm/types';

export const HEARTBEAT_EVERY_MS = 5_000;
export const HEARTBEAT_TTL_SECONDS = 15;

/** The monitor's utilisation gauge sums `<channel>.busy` over `<channel>.capacity` across every instance's hash. */
export function heartbeatKey(instance: string): string {
  return `dispatch:workers:${instance}`;
}

/**
 * Writes this instance's worker utilisation to Redis every 5 s; the hash expires 15 s after the last write, so a
 * dead instance drops out of the gauge by itself. A failed write is skipped (the next one replaces it).
 */
export function startWorkerHeartbeat(options: {
  redis: Redis;
  instance: string;
  workers: () => Array<{ channel: DispatchChannel; busy: number; capacity: number }>;
  everyMs?: number;
}): { beat(): Promise<void>; stop(): Promise<void> } {
  const key = heartbeatKey(options.instance);
  const beat = async () => {
    const fields: Record<string, number> = {};
    for (const worker of options.workers()) {
      fields[`${worker.channel}.busy`] = worker.busy;
      fields[`${worker.channel}.capacity`] = worker.capacity;
    }
    await options.redis.multi().hset(key, fields).expire(key, HEARTBEAT_TTL_SECONDS).exec();
  };
  const timer = setInterval(() => void beat().catch(() => {}), options.everyMs ?? HEARTBEAT_EVERY_MS);
  timer.unref();
  void beat().catch(() => {});
  return {
    beat,
    async stop() {
      clearInterval(timer);
      await options.redis.del(key).catch(() => {});
    },
  };
}
