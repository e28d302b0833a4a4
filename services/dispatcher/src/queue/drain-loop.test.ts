import { describe, expect, it } from 'vitest';
import { createLogger } from '@doitcrm/kit';
import { DrainLoop } from './drain-loop.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('DrainLoop', () => {
  it('when nudged while a pass runs, then it goes round once more so work written meanwhile is handled without waiting for the timer', async () => {
    let pending = 3;
    let release: () => void = () => {};
    const passes: number[] = [];
    const loop = new DrainLoop({
      name: 'test', logger, intervalMs: 600_000,
      pass: async () => {
        const handled = pending;
        pending = 0;
        passes.push(handled);
        // the first pass is still publishing when more work is written
        if (passes.length === 1) await new Promise<void>((resolve) => { release = resolve; });
        return { handled, more: false };
      },
    });

    const first = loop.drain();
    await new Promise((resolve) => setImmediate(resolve));
    pending += 2;
    loop.nudge();
    release();
    const handled = await first;

    expect(handled).toBe(5);
    expect(passes).toEqual([3, 2]);
    await loop.stop();
  });

  it('when a pass reports more, then it keeps passing until there is none, and a stopped loop does nothing', async () => {
    let batches = 3;
    const loop = new DrainLoop({ name: 'test', logger, intervalMs: 600_000, pass: async () => ({ handled: 10, more: --batches > 0 }) });

    expect(await loop.drain()).toBe(30);
    await loop.stop();
    expect(await loop.drain()).toBe(0);
  });
});
