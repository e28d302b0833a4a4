import { createHash, randomBytes } from 'node:crypto';
import type { UserRole } from '@doitcrm/types';
import type { Redis } from 'ioredis';

/** What a session remembers about its user; the token itself is never stored. */
export interface SessionData {
  userId: number;
  username: string;
  role: UserRole;
  displayName: string;
  /** ISO 8601; the absolute max age counts from here */
  createdAt: string;
  ip: string | null;
}

export interface SessionStoreOptions {
  /** Idle timeout: each use pushes expiry this far into the future. Default 8 hours. */
  ttlSeconds?: number;
  /** Absolute lifetime, however active the session. Default 7 days. */
  maxAgeSeconds?: number;
}

export interface SessionStore {
  readonly ttlSeconds: number;
  readonly maxAgeSeconds: number;
  create(data: Omit<SessionData, 'createdAt'>): Promise<{ token: string; session: SessionData }>;
  /** Loads the session and slides its expiry; null when missing, expired or malformed. */
  touch(token: string): Promise<SessionData | null>;
  /** Ends one session (logout); returns what it held, or null when there was none. */
  destroy(token: string): Promise<SessionData | null>;
  /** Ends every session of a user (password changed, role changed, account disabled); returns how many ended. */
  destroyAllForUser(userId: number): Promise<number>;
}

export const DEFAULT_SESSION_TTL_SECONDS = 8 * 60 * 60;
export const DEFAULT_SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

// 32 random bytes in base64url, no padding
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Redis holds only a SHA-256 of the token, so a leaked dump or MONITOR output cannot be replayed as a cookie. */
function sessionKey(token: string): string {
  return `sess:${createHash('sha256').update(token).digest('hex')}`;
}
function userSessionsKey(userId: number): string {
  return `sess:user:${userId}`;
}

export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

function parseSession(json: string): SessionData | null {
  try {
    const value = JSON.parse(json) as Partial<SessionData>;
    if (typeof value.userId !== 'number' || typeof value.username !== 'string' || typeof value.role !== 'string' || typeof value.createdAt !== 'string') {
      return null;
    }
    return value as SessionData;
  } catch {
    return null;
  }
}

export function createSessionStore(redis: Redis, options: SessionStoreOptions = {}): SessionStore {
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
  const maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS;
  if (!(Number.isInteger(ttlSeconds) && ttlSeconds > 0 && Number.isInteger(maxAgeSeconds) && maxAgeSeconds >= ttlSeconds)) {
    throw new Error('session ttlSeconds must be a positive integer and maxAgeSeconds an integer at least as large');
  }

  async function remove(key: string, userId: number | undefined): Promise<void> {
    const pipeline = redis.multi().del(key);
    if (userId !== undefined) pipeline.srem(userSessionsKey(userId), key);
    await pipeline.exec();
  }

  return {
    ttlSeconds,
    maxAgeSeconds,

    async create(data) {
      const token = randomBytes(32).toString('base64url');
      const session: SessionData = { ...data, createdAt: new Date().toISOString() };
      const key = sessionKey(token);
      const userKey = userSessionsKey(session.userId);
      // The per-user set lets a password change end every session; it lives as long as the longest session can.
      await redis
        .multi()
        .set(key, JSON.stringify(session), 'EX', ttlSeconds)
        .sadd(userKey, key)
        .expire(userKey, maxAgeSeconds)
        .exec();
      return { token, session };
    },

    async touch(token) {
      if (!isWellFormedToken(token)) return null;
      const key = sessionKey(token);
      // GETEX reads and slides in one round trip; it never recreates a key that logout or a password change deleted.
      const json = await redis.getex(key, 'EX', ttlSeconds);
      if (json === null) return null;
      const session = parseSession(json);
      if (!session) {
        await remove(key, undefined);
        return null;
      }
      const ageSeconds = (Date.now() - Date.parse(session.createdAt)) / 1000;
      const remainingSeconds = Math.floor(maxAgeSeconds - ageSeconds);
      if (!(remainingSeconds > 0)) {
        await remove(key, session.userId);
        return null;
      }
      // In the last hours of the absolute lifetime, the sliding expiry must not reach past it.
      if (remainingSeconds < ttlSeconds) await redis.expire(key, remainingSeconds);
      return session;
    },

    async destroy(token) {
      if (!isWellFormedToken(token)) return null;
      const key = sessionKey(token);
      const json = await redis.get(key);
      const session = json ? parseSession(json) : null;
      await remove(key, session?.userId);
      return session;
    },

    async destroyAllForUser(userId) {
      const userKey = userSessionsKey(userId);
      const keys = await redis.smembers(userKey);
      // Members are unprefixed key names; ioredis adds its keyPrefix to DEL's arguments just as it did to SET's.
      if (keys.length === 0) return 0;
      // SREM of exactly these members, not DEL of the set: a login racing with us keeps its entry and stays revocable.
      const results = await redis.multi().del(...keys).srem(userKey, ...keys).exec();
      const [delError, ended] = results?.[0] ?? [null, 0];
      if (delError) throw delError;
      return Number(ended);
    },
  };
}
