import { describe, expect, it } from 'vitest';
import type { ExternalContactFollow } from '@doitcrm/wecom';
import { WriteAhead } from './write-ahead.ts';

const pair = (n: number) => ({ contact: { externalUserId: `wm${n}` } }) as unknown as ExternalContactFollow;
const ids = (pairs: ExternalContactFollow[]) => pairs.map((p) => p.contact.externalUserId);

describe('WriteAhead', () => {
  it('when pairs keep coming while a slow write runs, then every pair is written or left over exactly once, in order, one write at a time', async () => {
    const writes: string[][] = [];
    let inFlight = 0;
    let most = 0;
    const ahead = new WriteAhead(3, async (pairs) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      writes.push(ids(pairs));
      inFlight -= 1;
    });
    for (let n = 0; n < 8; n++) ahead.add(pair(n));
    await new Promise((resolve) => setTimeout(resolve, 5));
    ahead.add(pair(8));

    const left = await ahead.finish();

    expect(writes[0]).toEqual(['wm0', 'wm1', 'wm2']);
    expect([...writes.flat(), ...ids(left)]).toEqual(Array.from({ length: 9 }, (_, n) => `wm${n}`));
    expect(most).toBe(1);
  });

  it('when a write fails, then finish throws its error and nothing is written after it', async () => {
    let calls = 0;
    const ahead = new WriteAhead(2, async () => {
      calls += 1;
      throw new Error('database gone');
    });
    for (let n = 0; n < 6; n++) ahead.add(pair(n));

    await expect(ahead.finish()).rejects.toThrow('database gone');
    expect(calls).toBe(1);
  });
});
