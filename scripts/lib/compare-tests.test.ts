import { describe, expect, it } from 'vitest';
import { compareReports } from './compare-tests.mjs';

function report(root: string, tests: Array<[string, string, string, number | undefined]>) {
  const files = new Map<string, Array<{ ancestorTitles: string[]; title: string; status: string; meta: { assertions?: number } }>>();
  for (const [file, title, status, assertions] of tests) {
    const list = files.get(file) ?? [];
    list.push({ ancestorTitles: ['suite'], title, status, meta: assertions === undefined ? {} : { assertions } });
    files.set(file, list);
  }
  return { root, report: { testResults: [...files].map(([file, assertionResults]) => ({ name: `${root}/${file}`, assertionResults })) } };
}

describe('compareReports', () => {
  it('accepts the same tests from another checkout, and more assertions or new tests', () => {
    const before = report('/a', [['x.test.ts', 'one', 'passed', 2], ['x.test.ts', 'two', 'passed', 1]]);
    const after = report('/b', [['x.test.ts', 'one', 'passed', 3], ['x.test.ts', 'two', 'passed', 1], ['y.test.ts', 'new', 'passed', 1]]);
    const { ok, lines } = compareReports(before, after);
    expect(ok).toBe(true);
    expect(lines.at(-1)).toBe('tests compared: 2 unchanged or stronger, 0 problems, 1 new');
  });

  it('names a test that is gone, renamed, failing or lost assertions', () => {
    const before = report('/a', [['x.test.ts', 'one', 'passed', 2], ['x.test.ts', 'two', 'passed', 1], ['x.test.ts', 'three', 'passed', 4], ['x.test.ts', 'four', 'passed', 1]]);
    const after = report('/a', [['x.test.ts', 'one', 'passed', 1], ['x.test.ts', 'two (renamed)', 'passed', 1], ['x.test.ts', 'three', 'failed', 4], ['x.test.ts', 'four', 'passed', 1]]);
    const { ok, lines } = compareReports(before, after);
    expect(ok).toBe(false);
    expect(lines).toContain('fewer assertions (2 → 1): x.test.ts › suite › one');
    expect(lines).toContain('gone: x.test.ts › suite › two');
    expect(lines).toContain('no longer passes (failed): x.test.ts › suite › three');
    expect(lines.at(-1)).toBe('tests compared: 1 unchanged or stronger, 3 problems, 1 new');
  });

  it('does not hold a change to tests that were not passing before', () => {
    const before = report('/a', [['x.test.ts', 'skipped', 'skipped', undefined]]);
    const after = report('/a', []);
    expect(compareReports(before, after).ok).toBe(true);
  });

  it('tells apart two tests that share a title, so losing one of them is seen', () => {
    const before = report('/a', [['x.test.ts', 'same', 'passed', 1], ['x.test.ts', 'same', 'passed', 1]]);
    const after = report('/a', [['x.test.ts', 'same', 'passed', 1]]);
    const { ok, lines } = compareReports(before, after);
    expect(ok).toBe(false);
    expect(lines).toContain('gone: x.test.ts › suite › same #2');
  });
});
