import { describe, expect, it } from 'vitest';
import { batchCallsOfOnePass, compareRelations } from './faults-contacts.ts';

describe('contacts fault checks', () => {
  it('when the copy misses a relation WeCom has and keeps one WeCom dropped, then each is named once on its side', () => {
    const truth = new Set(['wm1|a', 'wm2|a', 'wm3|b']);
    const copy = new Set(['wm1|a', 'wm3|b', 'wm4|b']);
    expect(compareRelations(truth, copy)).toEqual({ missing: ['wm2|a'], extra: ['wm4|b'] });
  });

  it('when the copy equals the truth, then nothing is missing or extra', () => {
    const pairs = new Set(['wm1|a', 'wm2|b']);
    expect(compareRelations(pairs, new Set(pairs))).toEqual({ missing: [], extra: [] });
  });

  it('when two members a batch have 150 and 60 pairs and a third has 1, then one pass asks 3 + 1 pages', () => {
    const truth = new Set([
      ...Array.from({ length: 150 }, (_, i) => `wa${i}|a`), ...Array.from({ length: 60 }, (_, i) => `wb${i}|b`), 'wc0|c',
    ]);
    expect(batchCallsOfOnePass(truth, 2)).toBe(4);
  });
});
