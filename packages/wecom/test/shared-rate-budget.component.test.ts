import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import { WecomRateLimitedError, type RateRule, type WecomClient } from '../src/index.ts';
import { resolvableStaff, startHarness, type Harness } from './wecom-fake-harness.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** one key prefix per test file run, removed afterwards */
const keyPrefix = `test:wecom:${randomBytes(5).toString('hex')}:`;
/** one connection per "process": each client below counts through its own */
const connections: Redis[] = [];

function connect(): Redis {
  const redis = new Redis(REDIS_URL, { keyPrefix });
  connections.push(redis);
  return redis;
}

/** a client in a process of its own: its own Redis connection, sharing only what is in Redis */
function processClient(harness: Harness, rules: readonly RateRule[], maxWaitMs: number): WecomClient {
  return harness.client({ redis: connect(), rateRules: rules, rateLimitMaxWaitMs: maxWaitMs });
}

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.quit()));
  const plain = new Redis(REDIS_URL);
  const keys = await plain.keys(`${keyPrefix}*`);
  if (keys.length > 0) await plain.del(...keys);
  await plain.quit();
});

describe('WeCom client: the rate budget shared in Redis', () => {
  test('when two processes together ask for more calls than the window allows, then WeCom receives exactly the budget and the rest fail with a retry-after', async () => {
    // Arrange: 6 user/get calls per 30 s window for the corp, two clients on separate connections
    const harness = await startHarness();
    const rules: RateRule[] = [{ name: 'corp_api_window', scope: 'corp', points: 6, durationSeconds: 30 }];
    const [first, second] = [processClient(harness, rules, 0), processClient(harness, rules, 0)];
    const userId = resolvableStaff(harness.fake).userId;

    // Act: ten calls each, all at once
    const outcomes = await Promise.allSettled([first, second].flatMap((client) => Array.from({ length: 10 }, () => client.getUser(userId))));

    // Assert
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as unknown);
    expect(harness.fake.calls.count('user/get')).toBe(6);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(6);
    expect(refused).toHaveLength(14);
    expect(refused.every((e) => e instanceof WecomRateLimitedError && e.limit === 'corp_api_window' && e.retryAfterMs > 0)).toBe(true);
  });

  test('when the budget is used up and the caller may wait, then it waits for the next window instead of spending a WeCom call', async () => {
    // Arrange: 2 calls per 4 s window, callers that may wait up to 10 s, tokens already fetched
    const harness = await startHarness();
    const rules: RateRule[] = [{ name: 'corp_api_window', scope: 'corp', points: 2, durationSeconds: 4 }];
    const [first, second] = [processClient(harness, rules, 10_000), processClient(harness, rules, 10_000)];
    const userId = resolvableStaff(harness.fake).userId;
    await Promise.all([first.listFollowUsers(), second.listFollowUsers()]);
    const windowOpened = Date.now();
    await first.getUser(userId);
    await second.getUser(userId);

    // Act
    const third = first.getUser(userId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentWhileWaiting = harness.fake.calls.count('user/get');
    await third;

    // Assert: the third call left only when the next window opened
    expect(sentWhileWaiting).toBe(2);
    expect(harness.fake.calls.count('user/get')).toBe(3);
    expect(Date.now() - windowOpened).toBeGreaterThanOrEqual(3_900);
  });

  test('when one process gets 45009, then another process does not call that API until the pause ends', async () => {
    // Arrange: a generous window, so only the pause can hold a call back; the client pauses 10 s on 45009
    const harness = await startHarness();
    const rules: RateRule[] = [{ name: 'corp_api_window', scope: 'corp', points: 1_000, durationSeconds: 60 }];
    const first = harness.client({ redis: connect(), rateRules: rules, rateLimitMaxWaitMs: 0, retry: { frequencyLimitWaitMs: 10_000, frequencyLimitMaxRetries: 0 } });
    const second = processClient(harness, rules, 0);
    const userId = resolvableStaff(harness.fake).userId;
    harness.fake.inject({ endpoint: 'user/get', errcode: 45009, times: 1 });

    // Act
    const firstError = await first.getUser(userId).catch((e: unknown) => e);
    const secondError = await second.getUser(userId).catch((e: unknown) => e);

    // Assert
    expect(firstError).toMatchObject({ errcode: 45009, kind: 'rate_limit' });
    expect(secondError).toBeInstanceOf(WecomRateLimitedError);
    expect(secondError).toMatchObject({ limit: 'paused', endpoint: 'user/get' });
    expect(harness.fake.calls.count('user/get')).toBe(1);
  });

  test('when the per-IP budget of an API is used up by one corp, then a client of another corp waits on it too', async () => {
    // Arrange: the IP allows 2 calls per window, each corp 10
    const harness = await startHarness();
    const rules: RateRule[] = [
      { name: 'corp_api_window', scope: 'corp', points: 10, durationSeconds: 30 },
      { name: 'ip_api_window', scope: 'ip', points: 2, durationSeconds: 30 },
    ];
    const ours = processClient(harness, rules, 0);
    const otherCorp = harness.client({ redis: connect(), rateRules: rules, rateLimitMaxWaitMs: 0, corpId: 'another-corp' });
    const userId = resolvableStaff(harness.fake).userId;
    await ours.getUser(userId);
    await ours.getUser(userId);

    // Act: the other corp's gettoken is a different API; its user/get shares this IP's budget
    const error = await otherCorp.getUser(userId).catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ name: 'WecomRateLimitedError', limit: 'ip_api_window' });
    expect(harness.fake.calls.count('user/get')).toBe(2);
  });

  test('when the budget of the probe call is used up, then testConnection says to try later instead of throwing', async () => {
    // Arrange: each API may be called twice per window; another process has just called the probe twice
    const harness = await startHarness();
    const rules: RateRule[] = [{ name: 'corp_api_window', scope: 'corp', points: 2, durationSeconds: 30 }];
    const other = processClient(harness, rules, 0);
    await other.listFollowUsers();
    await other.listFollowUsers();

    // Act
    const result = await processClient(harness, rules, 0).testConnection();

    // Assert
    expect(result).toMatchObject({ ok: false, errcode: null, kind: 'rate_limit', step: 'probe', secret: 'main' });
    expect(result.ok === false && result.hint).toMatch(/请 \d+ 秒后再试/);
    expect(harness.fake.calls.count('externalcontact/get_follow_user_list')).toBe(2);
  });
});
