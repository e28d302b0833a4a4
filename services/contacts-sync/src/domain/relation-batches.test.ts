import { describe, expect, it } from 'vitest';
import { BatchAbortedError, CommitTurns, relationBatchSize } from './relation-batches.ts';

describe('cutting members into relation batches', () => {
  it('when 50 members fit one batch of 100 and 4 chains may run, then they are cut into 4 batches of 13', () => {
    expect(relationBatchSize(50, 100, 4)).toBe(13);
    expect(Math.ceil(50 / relationBatchSize(50, 100, 4))).toBe(4);
  });

  it('when the configured batches are already as many as the chains, then the configured size stays', () => {
    expect(relationBatchSize(16, 5, 4)).toBe(5);
    expect(relationBatchSize(1_000, 100, 4)).toBe(100);
  });

  it('when there are fewer members than chains, then each member is a batch of its own; none are a batch of the configured size', () => {
    expect(relationBatchSize(3, 100, 4)).toBe(1);
    expect(relationBatchSize(0, 100, 4)).toBe(100);
  });
});

describe('batches committed in order', () => {
  it('when a later batch is ready first, then it commits only after the earlier one', async () => {
    const turns = new CommitTurns();
    const first = turns.take();
    const second = turns.take();
    const order: string[] = [];
    const late = second.wait().then(() => { order.push('second'); second.done(true); });
    await Promise.resolve();
    order.push('first');
    first.done(true);
    await late;
    expect(order).toEqual(['first', 'second']);
  });

  it('when an earlier batch fails, then every later batch abandons its commit and the turns say stopping', async () => {
    const turns = new CommitTurns();
    const first = turns.take();
    const second = turns.take();
    const third = turns.take();
    first.done(false);
    await expect(second.wait()).rejects.toBeInstanceOf(BatchAbortedError);
    second.done(false);
    await expect(third.wait()).rejects.toBeInstanceOf(BatchAbortedError);
    expect(turns.stopping).toBe(true);
  });
});
