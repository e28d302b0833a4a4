import { describe, expect, it } from 'vitest';
import { BITMAP_ALWAYS, WALK_MAX, chooseSearchPlan } from '../src/domain/search-plan.ts';

describe('choosing how a search finds its page', () => {
  it('when there are no statistics yet, then the bigram index is used', () => {
    expect(chooseSearchPlan(null, 31)).toEqual({ kind: 'bitmap' });
  });

  it('when one of the term\'s bigrams is not among the common ones (rare or absent), then the bigram index is used', () => {
    expect(chooseSearchPlan({ rows: 10_000_000, bigrams: [0.2, null, 0.1] }, 31)).toEqual({ kind: 'bitmap' });
  });

  it('when the rarest bigram promises few candidates, then the bigram index is used even if each bigram is common', () => {
    expect(chooseSearchPlan({ rows: 20_000, bigrams: [BITMAP_ALWAYS / 20_000, 0.3] }, 31)).toEqual({ kind: 'bitmap' });
  });

  it('when every bigram is common, then the walk newest first reads twice the rows the page should need', () => {
    expect(chooseSearchPlan({ rows: 2_000_000, bigrams: [0.2] }, 31)).toEqual({ kind: 'walk', budget: 310 });
    expect(chooseSearchPlan({ rows: 2_000_000, bigrams: [0.06, 0.07, 0.06] }, 31)).toEqual({ kind: 'walk', budget: 1_034 });
  });

  it('when the walk would read far more rows than the candidates cost, then the bigram index is used', () => {
    // 0.2 % of 2M: 4,000 candidates (≈ 20,000 walked rows) against 15,500 rows to walk for a page
    expect(chooseSearchPlan({ rows: 2_000_000, bigrams: [0.002] }, 31)).toEqual({ kind: 'walk', budget: 31_000 });
    expect(chooseSearchPlan({ rows: 2_000_000, bigrams: [0.0015] }, 31)).toEqual({ kind: 'bitmap' });
  });

  it('when the walk\'s budget would grow past its ceiling, then it stops there', () => {
    expect(chooseSearchPlan({ rows: 100_000_000, bigrams: [0.0011] }, 31)).toEqual({ kind: 'walk', budget: WALK_MAX });
  });
});
