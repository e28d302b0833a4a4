import { describe, expect, it } from 'vitest';
import { formatTable, summarize, verdict, type ResultRow } from './report.ts';

const row = (overrides: Partial<ResultRow>): ResultRow => ({
  call: 'search, common terms', input: '老师', goal: 'search', timing: { p50: 10, p95: 20, max: 30, runs: 30 }, original: null, ...overrides,
});

describe('summarize', () => {
  it('gives the median, the 95th percentile and the maximum of unordered samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarize(samples)).toEqual({ p50: 51, p95: 96, max: 100, runs: 100 });
  });

  it('refuses an empty run rather than reporting zeros', () => {
    expect(() => summarize([])).toThrow('no samples');
  });
});

describe('verdict', () => {
  it('when the p95 is within the goal of its group, then it is met, and past it, not met', () => {
    expect(verdict({ goal: 'person', timing: { p50: 5, p95: 20, max: 90, runs: 30 } })).toBe('met');
    expect(verdict({ goal: 'person', timing: { p50: 5, p95: 20.1, max: 21, runs: 30 } })).toBe('not met');
    expect(verdict({ goal: 'search', timing: { p50: 5, p95: 49, max: 900, runs: 30 } })).toBe('met');
  });

  it('when a call has no goal, then there is no verdict', () => {
    expect(verdict({ goal: 'none', timing: { p50: 500, p95: 900, max: 900, runs: 30 } })).toBe('—');
  });
});

describe('formatTable', () => {
  it('prints one markdown row per call with the hello ratio, the goal, the verdict and the original', () => {
    const table = formatTable([
      row({ original: { ms: 1234.4 } }),
      row({ call: 'dashboard class list', input: 'a|b', goal: 'dashboard', timing: { p50: 40, p95: 120, max: 130, runs: 30 }, original: { cutOffMs: 60_000 } }),
    ], 0.5);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('| call | input | p50 ms | p95 ms | max ms | p50 / hello |');
    expect(lines[2]).toBe('| search, common terms | 老师 | 10.0 | 20.0 | 30.0 | 20× | ≤ 50 | met | 1234 ms |');
    expect(lines[3]).toBe('| dashboard class list | a\\|b | 40.0 | 120 | 130 | 80× | ≤ 50 | not met | > 60 s (cut off) |');
  });
});
