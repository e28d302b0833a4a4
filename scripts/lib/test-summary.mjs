// The closing lines of `npm test`, made from vitest's JSON report (test-results/vitest.json). CI reads the very last
// line, `tests: N passed, N failed, N skipped`; the lines before it name every skip and why. A skip states its reason
// in the test's metadata, `{ meta: { skipReason: '…' } }` on the test or its describe (or `ctx.task.meta.skipReason`
// set before `ctx.skip()`): the JSON report carries `meta`, but not the note vitest keeps for its own reporters.

const SKIPPED = new Set(['skipped', 'pending', 'todo', 'disabled']);

/**
 * @typedef {{ ancestorTitles: string[], title: string, status: string, meta?: { skipReason?: unknown } }} AssertionResult
 * @typedef {{ name: string, status: string, message: string, assertionResults: AssertionResult[] }} FileResult
 * @typedef {{ testResults: FileResult[] }} JsonReport
 */

/**
 * @param {JsonReport} report
 * @param {{ root: string, nameFilter?: boolean }} options `nameFilter`: the run was narrowed with -t, so vitest marks
 *   every test it did not select as skipped; those are counted, not listed
 * @returns {{ lines: string[], ok: boolean }} `ok` is false when a skip gives no reason
 */
export function summarise(report, { root, nameFilter = false }) {
  let passed = 0;
  let failed = 0;
  let notSelected = 0;
  /** @type {string[]} */ const fileFailures = [];
  /** @type {string[]} */ const notRun = [];
  /** @type {string[]} */ const skips = [];
  /** @type {string[]} */ const unreasoned = [];
  for (const file of report.testResults) {
    const name = relative(file.name, root);
    const fileFailed = file.status === 'failed';
    let failedHere = 0;
    for (const test of file.assertionResults) {
      const label = [name, ...test.ancestorTitles, test.title].join(' › ');
      const reason = typeof test.meta?.skipReason === 'string' ? test.meta.skipReason.trim() : '';
      if (test.status === 'passed') passed += 1;
      else if (!SKIPPED.has(test.status)) failedHere += 1;
      else if (reason) skips.push(`skipped: ${label} — ${reason}`);
      // vitest reports the tests of a file whose set-up (a beforeAll) failed as skipped: they did not run, a failure
      else if (fileFailed) {
        notRun.push(`not run, its set-up failed: ${label}`);
        failedHere += 1;
      } else if (nameFilter) notSelected += 1;
      else unreasoned.push(label);
    }
    if (fileFailed) {
      if (file.message) fileFailures.push(`failed: ${name} — ${file.message.split('\n')[0]}`);
      // a file that failed before declaring any test (an import error) counts once, so the line never says 0 failed
      failed += Math.max(failedHere, 1);
    } else failed += failedHere;
  }
  const lines = [...fileFailures, ...notRun, ...skips];
  if (notSelected > 0) lines.push(`skipped: ${notSelected} tests not selected by the -t filter`);
  lines.push(...unreasoned.map((label) => `skipped without a reason: ${label}`));
  if (unreasoned.length > 0) {
    lines.push(`✖ ${unreasoned.length} skipped test(s) give no reason: add { meta: { skipReason: '…' } } to the test or its describe (or set ctx.task.meta.skipReason before ctx.skip()).`);
  }
  lines.push(`tests: ${passed} passed, ${failed} failed, ${skips.length + notSelected + unreasoned.length} skipped`);
  return { lines, ok: unreasoned.length === 0 };
}

/** @param {string} file @param {string} root */
function relative(file, root) {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}
