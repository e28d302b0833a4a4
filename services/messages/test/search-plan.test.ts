import { describe, expect, it } from 'vitest';
import { BITMAP_ALWAYS, PACE_PROBE, POSTINGS_PER_ROW, WALK_CHEAP, chooseSearchPlan, continuedWalk, filterPace, indexKeys, wholeFilterCheaper } from '../src/domain/search-plan.ts';

describe('choosing how a search finds its page', () => {
  it('when there are no statistics yet, then one bitmap over the whole archive is used', () => {
    expect(chooseSearchPlan(null, 31)).toEqual({ kind: 'bitmap', windowRows: null });
  });

  it('when one of the term\'s bigrams is not among the common ones (rare or absent), then one bitmap over the whole archive is used', () => {
    expect(chooseSearchPlan({ rows: 10_000_000, bigrams: [0.2, null, 0.1] }, 31)).toEqual({ kind: 'bitmap', windowRows: null });
  });

  it('when the rarest bigram promises few candidates, then one bitmap over the whole archive is used even if each bigram is common', () => {
    expect(chooseSearchPlan({ rows: 20_000, bigrams: [BITMAP_ALWAYS / 20_000, 0.3] }, 31)).toEqual({ kind: 'bitmap', windowRows: null });
  });

  it('when every bigram is so common that a page fills within a few thousand rows, then the walk reads twice what it should need', () => {
    expect(chooseSearchPlan({ rows: 2_000_000, bigrams: [0.2] }, 31)).toEqual({ kind: 'walk', budget: 310 });
    expect(chooseSearchPlan({ rows: 2_000_000, bigrams: [0.06, 0.07, 0.06] }, 31)).toEqual({ kind: 'walk', budget: 1_034 });
    expect(chooseSearchPlan({ rows: 2_000_000, bigrams: [0.02] }, 31)).toEqual({ kind: 'walk', budget: 3_100 });
    expect(chooseSearchPlan({ rows: 2_000_000, bigrams: [30 / WALK_CHEAP] }, 31)).toEqual({ kind: 'bitmap', windowRows: 2 * 2_067 });
  });

  it('when a walk of twice the rows a page needs costs less than decoding the key\'s postings once, then the walk is chosen though it reads thousands of rows', () => {
    // 哪里 at 10M messages: 1.41% of them, 141,000 postings; a page of 31 needs ~2,199 rows
    expect(chooseSearchPlan({ rows: 10_000_000, bigrams: [0.0141] }, 31)).toEqual({ kind: 'walk', budget: 2 * 2_199 });
    // the same share at 2M: 28,200 postings decode cheaper than 4,398 rows walk
    expect(chooseSearchPlan({ rows: 2_000_000, bigrams: [0.0141] }, 31)).toEqual({ kind: 'bitmap', windowRows: 2 * 2_199 });
  });

  it('when the rarest bigram is common but a walk would read many thousand rows, then bitmaps over windows of twice that many messages are used', () => {
    expect(chooseSearchPlan({ rows: 2_000_000, bigrams: [0.0028, 0.1] }, 31)).toEqual({ kind: 'bitmap', windowRows: 2 * 11_072 });
    expect(chooseSearchPlan({ rows: 10_000_000, bigrams: [0.001] }, 31)).toEqual({ kind: 'bitmap', windowRows: 62_000 });
  });
});

describe('which bigrams the index is asked for', () => {
  it('when some bigrams are rare, then only those; when all are common, then the rarest alone', () => {
    expect(indexKeys(['退费', '费申', '申请'], [0.02, null, null], '退费申请')).toEqual(['费申', '申请']);
    expect(indexKeys(['un', 'ni', 'it', 't3'], [0.064, 0.069, 0.065, 0.0068], 'unit 3')).toEqual(['t3']);
  });

  it('when there are no statistics, a single bigram, or characters whose lower case PostgreSQL might see differently, then all of them as PostgreSQL computes them', () => {
    expect(indexKeys(['谢谢', '谢老', '老师'], null, '谢谢老师')).toBeNull();
    expect(indexKeys(['退费'], [null], '退费')).toBeNull();
    expect(indexKeys(['ст', 'уд'], [null, 0.1], 'Студ')).toBeNull();
    expect(indexKeys(['退费', '费申'], [null, 0.1], '退费\u3000申')).toBeNull();
  });
});

describe('walking on after a walk ran out of budget', () => {
  it('when the walk came up a few hits short, then a second walk reads twice what the hit rate seen promises', () => {
    expect(continuedWalk(29, 2_866, 2)).toBe(396);
  });

  it('when the walk found nothing or too few to come near the page soon, then the bitmap takes over', () => {
    expect(continuedWalk(0, 2_866, 31)).toBeNull();
    expect(continuedWalk(2, 2_866, 29)).toBeNull();
  });

  it('when the key\'s posting list is long, then a walk costing less than decoding it goes on instead', () => {
    // 4 hits in 338 rows of one sender: ~4,600 more rows, cheaper than decoding 295,060 postings of 老师
    expect(continuedWalk(4, 338, 27, 295_060)).toBe(4_563);
    expect(continuedWalk(4, 338, 27, 20_000)).toBeNull();
    expect(continuedWalk(1, 338, 27, 150_000)).toBeNull();
    expect(continuedWalk(0, 338, 27, 295_060 * POSTINGS_PER_ROW)).toBeNull();
  });

  it('when a filter\'s newest messages are probed, then its pace is the probed span per message, and none when it holds fewer', () => {
    const upper = new Date('2026-06-30T00:00:00Z');
    expect(filterPace(upper, new Date(upper.getTime() - PACE_PROBE * 60_000))).toBe(60_000);
    expect(filterPace(upper, upper)).toBe(1 / PACE_PROBE);
    expect(filterPace(upper, null)).toBeNull();
  });

  it('when a filter holds a twentieth of the archive or less, then one bitmap over all of it is cheaper than windows', () => {
    expect(wholeFilterCheaper(68_000, 2_000_000)).toBe(true);
    expect(wholeFilterCheaper(100_000, 2_000_000)).toBe(true);
    expect(wholeFilterCheaper(100_001, 2_000_000)).toBe(false);
  });
});
