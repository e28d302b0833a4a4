import { describe, expect, it } from 'vitest';
import { summarise } from './test-summary.mjs';

const root = '/repo';
const test = (title: string, status: string, meta: Record<string, unknown> = {}, ancestorTitles: string[] = ['suite']) => ({ ancestorTitles, title, status, meta });
const file = (name: string, assertionResults: ReturnType<typeof test>[], status = 'passed', message = '') => ({ name: `${root}/${name}`, status, message, assertionResults });
const CLOSING_LINE = /^tests: (\d+) passed, (\d+) failed, (\d+) skipped$/;

describe('summarise', () => {
  it('when every skip states its reason, then each is named with it before a closing line CI can parse', () => {
    const report = {
      testResults: [
        file('a.test.ts', [test('ok', 'passed'), test('needs the real WeCom', 'skipped', { skipReason: 'no WECOM_SECRET here' })]),
        file('b.test.ts', [test('later', 'todo', { skipReason: 'lands with the dispatcher' }, [])]),
      ],
    };

    const { lines, ok } = summarise(report, { root });

    expect(ok).toBe(true);
    expect(lines).toEqual([
      'skipped: a.test.ts › suite › needs the real WeCom — no WECOM_SECRET here',
      'skipped: b.test.ts › later — lands with the dispatcher',
      'tests: 1 passed, 0 failed, 2 skipped',
    ]);
    expect(lines.at(-1)).toMatch(CLOSING_LINE);
  });

  it('when a skip gives no reason, then the run is not ok and the test is named', () => {
    const report = { testResults: [file('a.test.ts', [test('ok', 'passed'), test('quietly off', 'skipped'), test('blank', 'pending', { skipReason: '  ' })])] };

    const { lines, ok } = summarise(report, { root });

    expect(ok).toBe(false);
    expect(lines).toContain('skipped without a reason: a.test.ts › suite › quietly off');
    expect(lines).toContain('skipped without a reason: a.test.ts › suite › blank');
    expect(lines.at(-1)).toBe('tests: 1 passed, 0 failed, 2 skipped');
  });

  it('when a file set-up fails (no Chromium), then its tests count as failed, not as skipped, with the file error', () => {
    const report = {
      testResults: [
        file('etl-page.test.ts', [test('one', 'skipped'), test('two', 'skipped')], 'failed', 'page tests need Chromium at /usr/bin/chromium\n    at launchBrowser'),
        file('other.test.ts', [test('ok', 'passed')]),
      ],
    };

    const { lines, ok } = summarise(report, { root });

    expect(ok).toBe(true);
    expect(lines).toEqual([
      'failed: etl-page.test.ts — page tests need Chromium at /usr/bin/chromium',
      'not run, its set-up failed: etl-page.test.ts › suite › one',
      'not run, its set-up failed: etl-page.test.ts › suite › two',
      'tests: 1 passed, 2 failed, 0 skipped',
    ]);
  });

  it('when a file fails before declaring any test, then it still counts as one failure', () => {
    const report = { testResults: [file('broken.test.ts', [], 'failed', 'Cannot find module ./gone.ts')] };

    expect(summarise(report, { root }).lines.at(-1)).toBe('tests: 0 passed, 1 failed, 0 skipped');
  });

  it('when the run was narrowed with -t, then the tests it did not select are counted in one line, not failed', () => {
    const report = { testResults: [file('a.test.ts', [test('chosen', 'passed'), test('other', 'skipped'), test('another', 'skipped')])] };

    const { lines, ok } = summarise(report, { root, nameFilter: true });

    expect(ok).toBe(true);
    expect(lines).toEqual(['skipped: 2 tests not selected by the -t filter', 'tests: 1 passed, 0 failed, 2 skipped']);
  });

  it('when a test failed, then it counts as failed', () => {
    const report = { testResults: [file('a.test.ts', [test('bad', 'failed'), test('ok', 'passed')], 'failed')] };

    expect(summarise(report, { root }).lines).toEqual(['tests: 1 passed, 1 failed, 0 skipped']);
  });
});
