// `npm test` names every skipped test with its reason and fails on a skip that has none (scripts/lib/test-summary.mjs).
// vitest's JSON report keeps a test's `meta` but not its skip note, so the reason lives here:
//   it('…', { skip: !process.env.X, meta: { skipReason: 'needs X' } }, …)   or, inside a test,
//   ctx.task.meta.skipReason = 'needs X'; ctx.skip();
// https://vitest.dev/advanced/metadata
import 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Why this test (or every test of this describe) is skipped or todo; printed before `npm test`'s closing line. */
    skipReason?: string;
    /** How many expect() calls the test made (record-assertions.ts); compared between runs by scripts/compare-tests.mjs. */
    assertions?: number;
  }
}
