import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestRedis, type TestRedis } from './auth-test-helpers.ts';
import { createSessionStore, type SessionStore } from './session-store.ts';

let testRedis: TestRedis;
let store: SessionStore;
let nextUserId = 1_000;

const HOUR = 3600;
const DAY = 24 * HOUR;

beforeAll(() => {
  testRedis = createTestRedis('session-store');
  store = createSessionStore(testRedis.redis, { ttlSeconds: 8 * HOUR, maxAgeSeconds: 7 * DAY });
});

afterAll(async () => {
  await testRedis?.cleanup();
});

function newSession(userId = nextUserId++) {
  return store.create({ userId, username: `u${userId}`, role: 'staff', displayName: '老师', ip: '10.0.0.1' });
}

const keyOf = (token: string) => `sess:${createHash('sha256').update(token).digest('hex')}`;

describe('session store', () => {
  test('when a session is created, then the token is 32 random bytes and Redis holds only its SHA-256', async () => {
    // Act
    const { token, session } = await newSession();

    // Assert
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(await testRedis.redis.exists(keyOf(token))).toBe(1);
    expect(await testRedis.redis.exists(`sess:${token}`)).toBe(0);
    expect(JSON.parse((await testRedis.redis.get(keyOf(token)))!)).toEqual(session);
    expect(await testRedis.redis.ttl(keyOf(token))).toBeGreaterThan(8 * HOUR - 5);
  });

  test('when a session is used, then its idle expiry slides back to the full TTL', async () => {
    // Arrange
    const { token } = await newSession();
    await testRedis.redis.expire(keyOf(token), 60);

    // Act
    const session = await store.touch(token);

    // Assert
    expect(session?.username).toMatch(/^u\d+$/);
    expect(await testRedis.redis.ttl(keyOf(token))).toBeGreaterThan(8 * HOUR - 5);
  });

  test('when a session is older than the absolute max age, then it is refused and deleted however active it was', async () => {
    // Arrange
    const { token, session } = await newSession();
    const eightDaysAgo = new Date(Date.now() - 8 * DAY * 1000).toISOString();
    await testRedis.redis.set(keyOf(token), JSON.stringify({ ...session, createdAt: eightDaysAgo }), 'EX', HOUR);

    // Act
    const touched = await store.touch(token);

    // Assert
    expect(touched).toBeNull();
    expect(await testRedis.redis.exists(keyOf(token))).toBe(0);
  });

  test('when a session nears its absolute max age, then sliding never extends it past that age', async () => {
    // Arrange: one hour of absolute lifetime left
    const { token, session } = await newSession();
    const almostSevenDaysAgo = new Date(Date.now() - (7 * DAY - HOUR) * 1000).toISOString();
    await testRedis.redis.set(keyOf(token), JSON.stringify({ ...session, createdAt: almostSevenDaysAgo }), 'EX', 60);

    // Act
    await store.touch(token);

    // Assert
    const ttl = await testRedis.redis.ttl(keyOf(token));
    expect(ttl).toBeGreaterThan(HOUR - 10);
    expect(ttl).toBeLessThanOrEqual(HOUR);
  });

  test('when all sessions of a user are destroyed, then only that user\'s sessions end', async () => {
    // Arrange
    const userId = nextUserId++;
    const first = await newSession(userId);
    const second = await newSession(userId);
    const someoneElse = await newSession();

    // Act
    const ended = await store.destroyAllForUser(userId);

    // Assert
    expect(ended).toBe(2);
    expect(await store.touch(first.token)).toBeNull();
    expect(await store.touch(second.token)).toBeNull();
    expect(await store.touch(someoneElse.token)).not.toBeNull();
  });

  test('when a session is destroyed, then it is gone and leaves the user\'s set', async () => {
    // Arrange
    const userId = nextUserId++;
    const { token } = await newSession(userId);

    // Act
    const destroyed = await store.destroy(token);

    // Assert
    expect(destroyed?.userId).toBe(userId);
    expect(await store.touch(token)).toBeNull();
    expect(await testRedis.redis.smembers(`sess:user:${userId}`)).toEqual([]);
  });

  test('when a token is malformed or a stored value is corrupt, then touch answers null', async () => {
    // Arrange
    const { token } = await newSession();
    await testRedis.redis.set(keyOf(token), '{not json', 'EX', 60);

    // Act / Assert
    expect(await store.touch('short')).toBeNull();
    expect(await store.touch('x'.repeat(5000))).toBeNull();
    expect(await store.touch(token)).toBeNull();
    expect(await testRedis.redis.exists(keyOf(token))).toBe(0);
  });

  test('when the options are inconsistent, then the store refuses to start', () => {
    // Act / Assert
    expect(() => createSessionStore(testRedis.redis, { ttlSeconds: DAY, maxAgeSeconds: HOUR })).toThrow(/maxAgeSeconds/);
    expect(() => createSessionStore(testRedis.redis, { ttlSeconds: 0 })).toThrow(/ttlSeconds/);
  });
});
