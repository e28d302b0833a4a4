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
});
