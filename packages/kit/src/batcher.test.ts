import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createBatcher', () => {
  it('when items arrive while a group is being written, then they go out together in the next group, each with its own result', async () => {
    const groups: number[][] = [];
    const batcher = createBatcher<number, number>({
      maxItems: 100, maxDelayMs: 1_000,
      flush: async (items) => { groups.push(items); await sleep(30); return items.map((n) => n * 2); },
    });

    const first = batcher.add(1);
    await sleep(5);
    const rest = [2, 3, 4].map((n) => batcher.add(n));

    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8]);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('when alwaysWait is set and items arrive one by one with nothing being written, then they wait maxDelayMs and go out together', async () => {
    const groups: number[][] = [];
    const batcher = createBatcher<number, number>({ maxItems: 100, maxDelayMs: 40, alwaysWait: true, flush: async (items) => { groups.push(items); return items; } });

    const first = batcher.add(1);
    await sleep(5);
    const second = batcher.add(2);
    await sleep(5);
    const third = batcher.add(3);

    expect(await Promise.all([first, second, third])).toEqual([1, 2, 3]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it('when more than maxItems wait, then groups are cut at maxItems', async () => {
    const sizes: number[] = [];
    const batcher = createBatcher<number, number>({ maxItems: 10, maxDelayMs: 5, flush: async (items) => { sizes.push(items.length); return items; } });

    await Promise.all(Array.from({ length: 25 }, (_, i) => batcher.add(i)));

    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
  });

  it('when a group fails, then every item of it is rejected and later groups still go out', async () => {
    let calls = 0;
    const batcher = createBatcher<number, number>({
      maxItems: 100, maxDelayMs: 5,
      flush: async (items) => { calls += 1; if (calls === 1) throw new Error('database away'); return items; },
    });

    await expect(batcher.add(1)).rejects.toThrow('database away');
    expect(await batcher.add(2)).toBe(2);
  });

  it('when groups are slow to write, then no more than maxInFlight are written at once, and every item is answered and drained', async () => {
    let inFlight = 0;
    let most = 0;
    const batcher = createBatcher<number, number>({
      maxItems: 5, maxDelayMs: 1, maxConcurrent: 1, maxInFlight: 2,
      flush: async (items) => { inFlight += 1; most = Math.max(most, inFlight); await sleep(20); inFlight -= 1; return items; },
    });

    const answers: Array<Promise<number>> = [];
    for (let i = 0; i < 40; i++) {
      answers.push(batcher.add(i));
      if (i % 4 === 0) await sleep(2);
    }
    await batcher.drain();

    expect(await Promise.all(answers)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(most).toBe(2);
  });
});
