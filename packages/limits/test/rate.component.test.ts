import { afterEach, describe, expect, test, vi } from 'vitest';
import { createLimiter, type Decision, type LimitCheck, type Limiter } from '../src/index.ts';
import { busiestWindow, redisHarness } from './redis-harness.ts';

const harness = redisHarness();

afterEach(() => {
  vi.useRealTimers();
});

const recipientRate = (limit: number, windowMs: number): LimitCheck => ({ kind: 'rate', name: 'recipient_rate', key: 'wecom_app:zhangsan', windows: [{ limit, windowMs }] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps asking until `until`, waiting the answered retry time after each refusal, as a dispatcher worker would. */
async function reserver(limiter: Limiter, checks: LimitCheck[], until: number, grants: number[], refusals: Decision[]): Promise<void> {
  while (Date.now() < until) {
    const decision = await limiter.acquire(checks);
    if (decision.outcome === 'reserved') {
      grants.push(decision.reservation.reservedAtMs);
    } else {
      refusals.push(decision);
      await sleep(Math.min(decision.retryAfterMs, until - Date.now()) + Math.random() * 3);
    }
  }
}

describe('rate limits: the exact sliding log', () => {
  test('when a recipient has used up its window, then the next send is deferred to exactly when the oldest slot leaves it', async () => {
    // Arrange: 3 per 2 s; three sends reserved a little apart
    const limiter = createLimiter({ redis: harness.connect(), resetGuardMs: 0 });
    const granted: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const decision = await limiter.acquire([recipientRate(3, 2_000)]);
      if (decision.outcome !== 'reserved') throw new Error('the first three must fit');
      granted.push(decision.reservation.reservedAtMs);
      await sleep(30);
    }

    // Act
    const fourth = await limiter.acquire([recipientRate(3, 2_000)]);

    // Assert: deferred (not skipped) to the first slot's time + the window, to the millisecond
    expect(fourth).toMatchObject({ outcome: 'defer', reason: 'limit', refusedBy: ['recipient_rate'] });
    if (fourth.outcome !== 'defer') return;
    expect(fourth.retryAtMs).toBe(Math.ceil(granted[0]! + 2_000));
    expect(fourth.retryAfterMs).toBeGreaterThan(1_800);
    expect(fourth.retryAfterMs).toBeLessThanOrEqual(2_000);
  });

  test('when the deferred send comes back at its retry time, then it gets the slot', async () => {
    // Arrange: 2 per 600 ms, used up
    const limiter = createLimiter({ redis: harness.connect(), resetGuardMs: 0 });
    await limiter.acquire([recipientRate(2, 600)]);
    await limiter.acquire([recipientRate(2, 600)]);
    const deferred = await limiter.acquire([recipientRate(2, 600)]);
    if (deferred.outcome !== 'defer') throw new Error('the third must be deferred');

    // Act
    await sleep(deferred.retryAfterMs + 5);
    const again = await limiter.acquire([recipientRate(2, 600)]);

    // Assert
    expect(again.outcome).toBe('reserved');
  });

  test('when 40 workers on their own connections reserve for one recipient for 3 s, then no sliding window ever holds more than its limit', async () => {
    // Arrange: 10 per 1 s, each worker on a connection of its own (another process, as far as Redis can tell)
    const check = recipientRate(10, 1_000);
    const workers = Array.from({ length: 40 }, () => createLimiter({ redis: harness.connect(), resetGuardMs: 0 }));
    const grants: number[] = [];
    const refusals: Decision[] = [];
    const until = Date.now() + 3_000;

    // Act
    await Promise.all(workers.map((limiter) => reserver(limiter, [check], until, grants, refusals)));

    // Assert: the limit is used (≈ 10 per second), never exceeded in any window, and every refusal named a time
    expect(busiestWindow(grants, 1_000)).toBe(10);
    expect(grants.length).toBeGreaterThanOrEqual(25);
    expect(grants.length).toBeLessThanOrEqual(40);
    expect(refusals.length).toBeGreaterThan(grants.length);
    expect(refusals.every((r) => r.outcome === 'defer' && r.reason === 'limit' && r.retryAfterMs <= 1_000)).toBe(true);
  });

  test('when one key has a per-second and a per-minute window, then parallel reservers never exceed either and a refused try counts in neither', async () => {
    // Arrange: a Feishu bot's shape scaled down: 3 per 500 ms and 8 per 3 s
    const check: LimitCheck = { kind: 'rate', name: 'bot_rate', key: 'feishu_bot:hook-1', windows: [{ limit: 3, windowMs: 500 }, { limit: 8, windowMs: 3_000 }] };
    const workers = Array.from({ length: 20 }, () => createLimiter({ redis: harness.connect(), resetGuardMs: 0 }));
    const grants: number[] = [];
    const refusals: Decision[] = [];
    const until = Date.now() + 2_500;

    // Act
    await Promise.all(workers.map((limiter) => reserver(limiter, [check], until, grants, refusals)));

    // Assert
    expect(busiestWindow(grants, 500)).toBeLessThanOrEqual(3);
    expect(busiestWindow(grants, 3_000)).toBe(8);
    expect(grants).toHaveLength(8);
    const log = await harness.connect().zcard('limits:rate:feishu_bot:hook-1');
    expect(log).toBe(8);
  });

  test('when the recipient has room but the channel does not, then neither is counted and the answer names the channel', async () => {
    // Arrange: the channel allows 1 per 5 s and has been used
    const limiter = createLimiter({ redis: harness.connect(), resetGuardMs: 0 });
    const channel: LimitCheck = { kind: 'rate', name: 'channel_rate', key: 'wecom_app', windows: [{ limit: 1, windowMs: 5_000 }] };
    await limiter.acquire([channel]);

    // Act
    const decision = await limiter.acquire([recipientRate(30, 60_000), channel]);

    // Assert
    expect(decision).toMatchObject({ outcome: 'defer', reason: 'limit', refusedBy: ['channel_rate'] });
    expect(await harness.connect().zcard('limits:rate:wecom_app:zhangsan')).toBe(0);
  });

  test("when this process's clock runs a day ahead, then the answers still follow Redis's clock", async () => {
    // Arrange: 2 per 5 s used up; then the process clock jumps a day ahead (only Date: ioredis's timers keep running)
    const limiter = createLimiter({ redis: harness.connect(), resetGuardMs: 0 });
    await limiter.acquire([recipientRate(2, 5_000)]);
    await limiter.acquire([recipientRate(2, 5_000)]);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 86_400_000);

    // Act: a limiter that read the local clock would see the window long gone
    const decision = await limiter.acquire([recipientRate(2, 5_000)]);
    vi.useRealTimers();
    const redisNow = await harness.redisNowMs();

    // Assert
    expect(decision).toMatchObject({ outcome: 'defer', reason: 'limit' });
    if (decision.outcome !== 'defer') return;
    expect(decision.retryAtMs).toBeGreaterThan(redisNow);
    expect(decision.retryAtMs).toBeLessThanOrEqual(redisNow + 5_000);
    expect(decision.retryAfterMs).toBeLessThanOrEqual(5_000);
  });

  test('when a limit is lowered below what the window already holds, then the retry time waits for enough slots to leave', async () => {
    // Arrange: four sends under a limit of 10 per 3 s, 40 ms apart
    const limiter = createLimiter({ redis: harness.connect(), resetGuardMs: 0 });
    const granted: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const decision = await limiter.acquire([recipientRate(10, 3_000)]);
      if (decision.outcome === 'reserved') granted.push(decision.reservation.reservedAtMs);
      await sleep(40);
    }

    // Act: the hot configuration lowers the limit to 2
    const decision = await limiter.acquire([recipientRate(2, 3_000)]);

    // Assert: room for one more only when one is left in the window, i.e. once the third oldest has left it
    expect(decision).toMatchObject({ outcome: 'defer', retryAtMs: Math.ceil(granted[2]! + 3_000) });
  });

  test('when Redis has lost its counts (restarted without persistence), then minute windows defer for one window instead of letting a burst through', async () => {
    // Arrange: a prefix nobody has counted under is what Redis looks like after a restart that lost its data
    const redis = harness.connect();
    const limiter = createLimiter({ redis });
    const hourOnly: LimitCheck = { kind: 'rate', name: 'recipient_hour', key: 'wecom_app:zhangsan', windows: [{ limit: 1_000, windowMs: 3_600_000 }] };

    // Act
    const minute = await limiter.acquire([recipientRate(30, 60_000)]);
    const hour = await limiter.acquire([hourOnly]);
    // a minute later (the marker set back, as Redis's clock cannot be moved): the window has been counted whole
    await redis.set('limits:counting-since', String(Math.round((await harness.redisNowMs()) * 1000) - 61_000_000));
    const later = await limiter.acquire([recipientRate(30, 60_000)]);

    // Assert
    expect(minute).toMatchObject({ outcome: 'defer', reason: 'limit', refusedBy: ['recipient_rate'] });
    expect(minute.outcome === 'defer' && minute.retryAfterMs).toBeGreaterThan(59_000);
    expect(minute.outcome === 'defer' && minute.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(hour.outcome).toBe('reserved');
    expect(later.outcome).toBe('reserved');
  });
});
