import { describe, expect, test } from 'vitest';
import { createLimiter, type LimitCheck } from '../src/index.ts';
import { redisHarness } from './redis-harness.ts';

const harness = redisHarness();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Beijing calendar date of an instant, by the time-zone database (not by the script's +8 arithmetic). */
function beijingDate(ms: number): { year: number; month: number; day: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', hourCycle: 'h23' }).formatToParts(ms);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour') };
}

/** The first instant after `ms` at which Beijing's date changes: found by searching, then checked against Intl. */
function nextBeijingMidnight(ms: number): number {
  const today = beijingDate(ms);
  // the next midnight is within 24 h; walk whole hours to the first that is another date, at hour 0
  let at = Math.ceil(ms / 3_600_000) * 3_600_000;
  while (beijingDate(at).day === today.day) at += 3_600_000;
  expect(beijingDate(at).hour).toBe(0);
  expect(beijingDate(at - 1).day).toBe(today.day);
  return at;
}

const dailyCap = (limit: number): LimitCheck => ({ kind: 'daily_cap', name: 'recipient_daily_cap', key: 'sms:13800000000', limit });

describe('daily caps on the Beijing day', () => {
  test('when 60 parallel sends race for a cap of 7, then exactly 7 are counted and the rest wait for Beijing midnight', async () => {
    // Arrange: twelve connections, five sends each, all at once (Austin read then wrote the count: a race)
    const limiters = Array.from({ length: 12 }, () => createLimiter({ redis: harness.connect(), resetGuardMs: 0 }));

    // Act
    const decisions = await Promise.all(limiters.flatMap((limiter) => Array.from({ length: 5 }, () => limiter.acquire([dailyCap(7)]))));
    const redisNow = await harness.redisNowMs();

    // Assert
    const midnight = nextBeijingMidnight(redisNow);
    expect(decisions.filter((d) => d.outcome === 'reserved')).toHaveLength(7);
    const deferred = decisions.filter((d) => d.outcome === 'defer');
    expect(deferred).toHaveLength(53);
    expect(deferred.every((d) => d.reason === 'limit' && d.retryAtMs === midnight)).toBe(true);
    expect(await harness.connect().hget('limits:daily_cap:sms:13800000000', 'n')).toBe('7');
  });

  test("when the count was left by yesterday (Beijing), then today's first send starts a new count, and the key expires at the next Beijing midnight", async () => {
    // Arrange: yesterday's full count, as a Beijing day number derived from the calendar, not from the script
    const redis = harness.connect();
    const today = beijingDate(await harness.redisNowMs());
    const todayNo = Date.UTC(today.year, today.month - 1, today.day) / 86_400_000;
    await redis.hset('limits:daily_cap:sms:13800000000', { d: String(todayNo - 1), n: '3' });

    // Act
    const decision = await createLimiter({ redis, resetGuardMs: 0 }).acquire([dailyCap(3)]);
    const redisNow = await harness.redisNowMs();

    // Assert: counted afresh under today's number; Redis removes the counter itself when the Beijing day ends
    expect(decision.outcome).toBe('reserved');
    expect(await redis.hgetall('limits:daily_cap:sms:13800000000')).toEqual({ d: String(todayNo), n: '1' });
    expect(await redis.call('PEXPIRETIME', 'limits:daily_cap:sms:13800000000')).toBe(nextBeijingMidnight(redisNow));
  });

  test('when a send is refunded because it never reached the provider, then its cap and rate slots are free again; a released one keeps them', async () => {
    // Arrange: a cap of 1 and a rate of 1 a minute
    const limiter = createLimiter({ redis: harness.connect(), resetGuardMs: 0 });
    const rate: LimitCheck = { kind: 'rate', name: 'recipient_rate', key: 'sms:13800000000', windows: [{ limit: 1, windowMs: 60_000 }] };
    const first = await limiter.acquire([dailyCap(1), rate]);
    if (first.outcome !== 'reserved') throw new Error('the first send must fit');

    // Act
    await limiter.refund(first.reservation);
    const second = await limiter.acquire([dailyCap(1), rate]);
    if (second.outcome !== 'reserved') throw new Error('the refunded slot must be free');
    await limiter.release(second.reservation);
    const third = await limiter.acquire([dailyCap(1), rate]);

    // Assert
    expect(third).toMatchObject({ outcome: 'defer', refusedBy: ['recipient_daily_cap', 'recipient_rate'] });
  });
});

describe('concurrency leases', () => {
  const lease = (limit: number, leaseMs: number, pollMs = 1_000): LimitCheck => ({ kind: 'concurrency', name: 'channel_concurrency', key: 'email', limit, leaseMs, pollMs });

  test('when 30 workers ask for 3 leases at once, then exactly 3 hold one, and a released lease goes to the next', async () => {
    // Arrange
    const limiters = Array.from({ length: 10 }, () => createLimiter({ redis: harness.connect(), resetGuardMs: 0 }));

    // Act
    const decisions = await Promise.all(limiters.flatMap((limiter) => [1, 2, 3].map(() => limiter.acquire([lease(3, 60_000, 50)]))));
    const held = decisions.flatMap((d) => (d.outcome === 'reserved' ? [d.reservation] : []));
    const released = await limiters[0]!.release(held[0]!);
    const next = await limiters[1]!.acquire([lease(3, 60_000, 50)]);

    // Assert
    expect(held).toHaveLength(3);
    expect(decisions.filter((d) => d.outcome === 'defer').every((d) => d.outcome === 'defer' && d.retryAfterMs <= 50)).toBe(true);
    expect(released).toBe('done');
    expect(next.outcome).toBe('reserved');
  });

  test('when the worker holding the only lease crashes, then its lease frees itself when it expires and the waiter was told when', async () => {
    // Arrange: a 400 ms lease taken and never released
    const crashed = createLimiter({ redis: harness.connect(), resetGuardMs: 0 });
    const taken = await crashed.acquire([lease(1, 400)]);
    if (taken.outcome !== 'reserved') throw new Error('the lease must be free');

    // Act
    const waiting = await createLimiter({ redis: harness.connect(), resetGuardMs: 0 }).acquire([lease(1, 400)]);
    if (waiting.outcome !== 'defer') throw new Error('the lease is held');
    await sleep(waiting.retryAfterMs + 5);
    const later = await createLimiter({ redis: harness.connect(), resetGuardMs: 0 }).acquire([lease(1, 400)]);

    // Assert: the retry time was the lease's expiry (sooner than the 1 s poll), and then the place was free
    expect(waiting.retryAfterMs).toBeLessThanOrEqual(400);
    expect(later.outcome).toBe('reserved');
    expect(await crashed.release(taken.reservation)).toBe('expired');
  });

  test('when a long send extends its lease, then nobody else gets the place meanwhile', async () => {
    // Arrange
    const limiter = createLimiter({ redis: harness.connect(), resetGuardMs: 0 });
    const taken = await limiter.acquire([lease(1, 300)]);
    if (taken.outcome !== 'reserved') throw new Error('the lease must be free');

    // Act
    await sleep(200);
    const extended = await limiter.extend(taken.reservation);
    await sleep(200);
    const other = await createLimiter({ redis: harness.connect(), resetGuardMs: 0 }).acquire([lease(1, 300)]);

    // Assert
    expect(extended).toBe('done');
    expect(other.outcome).toBe('defer');
  });
});
