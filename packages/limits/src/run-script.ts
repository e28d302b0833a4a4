import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface Script {
  source: string;
  sha: string;
}

export function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

export class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/**
 * EVALSHA, falling back to EVAL once when Redis does not know the script (first call, or after a restart emptied
 * its script cache). Gives up after `timeoutMs`: with Redis down ioredis queues the command and retries it, and a
 * limiter that waits seconds holds a worker as surely as one that crashed. A command that runs after its timeout
 * may still record a reservation the caller was told to defer — that counts a slot too many, never one too few.
 */
export async function runScript(redis: Redis, s: Script, keys: readonly string[], args: readonly (string | number)[], timeoutMs: number): Promise<unknown> {
  const call = async () => {
    try {
      return await redis.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await redis.eval(s.source, keys.length, ...keys, ...args);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([call(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
