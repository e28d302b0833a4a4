// Compares two vitest JSON reports (the `npm test` one, test-results/vitest.json) for a change that must leave the
// tests as they were: every test that passed before still exists under the same file and name, still passes, and
// makes at least as many expect() calls (recorded by packages/kit/src/testing/record-assertions.ts).

/**
 * @typedef {{ ancestorTitles: string[], title: string, status: string, meta?: { assertions?: unknown } }} AssertionResult
 * @typedef {{ name: string, assertionResults: AssertionResult[] }} FileResult
 * @typedef {{ testResults: FileResult[] }} JsonReport
 */

/** @param {JsonReport} report @param {string} root @returns {Map<string, { status: string, assertions: number | null }>} */
function index(report, root) {
  const tests = new Map();
  for (const file of report.testResults) {
    const name = file.name.startsWith(root) ? file.name.slice(root.length).replace(/^\/+/, '') : file.name;
    for (const test of file.assertionResults) {
      const assertions = typeof test.meta?.assertions === 'number' ? test.meta.assertions : null;
      // two tests of one describe may share a title (a table of cases): the second is told apart by its place
      const base = [name, ...test.ancestorTitles, test.title].join(' › ');
      let label = base;
      for (let n = 2; tests.has(label); n += 1) label = `${base} #${n}`;
      tests.set(label, { status: test.status, assertions });
    }
  }
  return tests;
}

/**
 * @param {{ report: JsonReport, root: string }} before
 * @param {{ report: JsonReport, root: string }} after
 * @returns {{ lines: string[], ok: boolean }}
 */
export function compareReports(before, after) {
  const old = index(before.report, before.root);
  const now = index(after.report, after.root);
  const lines = [];
  let kept = 0;
  let added = 0;
  for (const [label, test] of old) {
    if (test.status !== 'passed') continue;
    const current = now.get(label);
    if (!current) lines.push(`gone: ${label}`);
    else if (current.status !== 'passed') lines.push(`no longer passes (${current.status}): ${label}`);
    else if (test.assertions !== null && (current.assertions ?? 0) < test.assertions) {
      lines.push(`fewer assertions (${test.assertions} → ${current.assertions ?? 0}): ${label}`);
    } else kept += 1;
  }
  for (const label of now.keys()) if (!old.has(label)) added += 1;
  const problems = lines.length;
  lines.push(`tests compared: ${kept} unchanged or stronger, ${problems} problems, ${added} new`);
  return { lines, ok: problems === 0 };
}
