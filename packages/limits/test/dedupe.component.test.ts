import { describe, expect, test } from 'vitest';
import { createDedupe } from '../src/index.ts';
import { redisHarness } from './redis-harness.ts';

const harness = redisHarness();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const KEY = 'tpl-7:zhangsan:9f86d081';

describe('dedupe: recorded with the successful send, never before it', () => {
  test('when a send fails and its claim is released, then the retry may send it (the failure did not block it)', async () => {
    // Arrange
    const dedupe = createDedupe({ redis: harness.connect() });
    const first = await dedupe.claim(KEY);
    if (first.outcome !== 'claimed') throw new Error('nobody sent it yet');

    // Act: the provider failed; nothing was recorded
    await dedupe.releaseClaim(first.claim);
    const sent = await dedupe.alreadySent(KEY);
    const retry = await dedupe.claim(KEY);

    // Assert
    expect(sent).toEqual({ outcome: 'not_sent' });
    expect(retry.outcome).toBe('claimed');
  });

  test('when a send succeeded and was recorded, then the same message within the window is not sent again, and after it may be', async () => {
    // Arrange: sent and recorded for a 400 ms window
    const dedupe = createDedupe({ redis: harness.connect() });
    const first = await dedupe.claim(KEY);
    if (first.outcome !== 'claimed') throw new Error('nobody sent it yet');
    await dedupe.recordSent(KEY, 400, first.claim);

    // Act
    const within = await dedupe.claim(KEY);
    const check = await dedupe.alreadySent(KEY);
    await sleep(450);
    const after = await dedupe.claim(KEY);

    // Assert
    expect(within).toMatchObject({ outcome: 'already_sent' });
    expect(check).toEqual({ outcome: 'sent' });
    expect(after.outcome).toBe('claimed');
  });

  test('when 20 workers claim the same message at once, then exactly one sends and the others are deferred until its claim ends', async () => {
    // Arrange
    const workers = Array.from({ length: 20 }, () => createDedupe({ redis: harness.connect() }));

    // Act
    const decisions = await Promise.all(workers.map((dedupe) => dedupe.claim(KEY, 5_000)));

    // Assert
    expect(decisions.filter((d) => d.outcome === 'claimed')).toHaveLength(1);
    const deferred = decisions.filter((d) => d.outcome === 'defer');
    expect(deferred).toHaveLength(19);
    expect(deferred.every((d) => d.reason === 'in_flight' && d.retryAfterMs > 4_000 && d.retryAfterMs <= 5_000)).toBe(true);
  });

  test('when a claim expired and another worker took it, then the first worker cannot release the second one’s claim', async () => {
    // Arrange: a 100 ms claim outlived by its worker
    const slow = createDedupe({ redis: harness.connect() });
    const other = createDedupe({ redis: harness.connect() });
    const stale = await slow.claim(KEY, 100);
    if (stale.outcome !== 'claimed') throw new Error('nobody sent it yet');
    await sleep(150);
    const current = await other.claim(KEY, 5_000);

    // Act
    const released = await slow.releaseClaim(stale.claim);
    const third = await createDedupe({ redis: harness.connect() }).claim(KEY);

    // Assert
    expect(current.outcome).toBe('claimed');
    expect(released).toBe(false);
    expect(third).toMatchObject({ outcome: 'defer', reason: 'in_flight' });
  });

  test('when a group is claimed in one call, then each item gets what its own claim would, a key twice in it claimed once', async () => {
    // Arrange: one key already sent, one held by another worker
    const dedupe = createDedupe({ redis: harness.connect() });
    const sent = await dedupe.claim(`${KEY}:sent`);
    if (sent.outcome !== 'claimed') throw new Error('nobody sent it yet');
    await dedupe.recordSent(`${KEY}:sent`, 5_000, sent.claim);
    await dedupe.claim(`${KEY}:held`, 5_000);

    // Act
    const decisions = await dedupe.claimMany([
      { key: `${KEY}:new`, ttlMs: 5_000 }, { key: `${KEY}:sent` }, { key: `${KEY}:held` }, { key: `${KEY}:new`, ttlMs: 5_000 },
    ]);

    // Assert
    expect(decisions.map((d) => d.outcome)).toEqual(['claimed', 'already_sent', 'defer', 'defer']);
    expect(decisions[2]).toMatchObject({ reason: 'in_flight' });
    expect(decisions[1]).toMatchObject({ expiresInMs: expect.any(Number) });
  });

  test('when a group of sends is recorded in one call, then each counts as sent and only the claims still ours are freed', async () => {
    // Arrange: two claims, the second taken over by another worker after it expired
    const dedupe = createDedupe({ redis: harness.connect() });
    const [mine, stale] = await dedupe.claimMany([{ key: `${KEY}:a`, ttlMs: 5_000 }, { key: `${KEY}:b`, ttlMs: 100 }]);
    if (mine?.outcome !== 'claimed' || stale?.outcome !== 'claimed') throw new Error('nobody sent them yet');
    await sleep(150);
    const takenOver = await dedupe.claim(`${KEY}:b`, 5_000);

    // Act
    const recorded = await dedupe.recordSentMany([{ key: `${KEY}:a`, windowMs: 5_000, claim: mine.claim }, { key: `${KEY}:b`, windowMs: 5_000, claim: stale.claim }]);

    // Assert: both sent for the window; the other worker's claim on b was left alone
    expect(recorded).toEqual([true, true]);
    expect(takenOver.outcome).toBe('claimed');
    expect(await dedupe.alreadySent(`${KEY}:a`)).toEqual({ outcome: 'sent' });
    expect(await dedupe.alreadySent(`${KEY}:b`)).toEqual({ outcome: 'sent' });
    const redis = harness.connect();
    expect(await redis.exists(`dedupe:claim:${KEY}:a`)).toBe(0);
    expect(await redis.exists(`dedupe:claim:${KEY}:b`)).toBe(1);
  });
});
