#!/usr/bin/env node
// npm run tests:compare -- <before.json> [after.json]: did a change keep every test that passed, by name, with as
// many assertions? Reports come from `npm test` (test-results/vitest.json); keep the one from before the change.
import fs from 'node:fs';
import { compareReports } from './lib/compare-tests.mjs';

const [beforePath, afterPath = 'test-results/vitest.json'] = process.argv.slice(2);
if (!beforePath) {
  console.error('usage: npm run tests:compare -- <report before the change> [report after, default test-results/vitest.json]');
  process.exit(2);
}
/** @param {string} file */
function load(file) {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  // the report names files by absolute path; what comes before the repository's top folders is the checkout's path
  const first = report.testResults[0]?.name ?? '';
  const root = /^(.*?)\/(?:packages|services|scripts|db|infra)\//.exec(first)?.[1] ?? '';
  return { report, root };
}
const { lines, ok } = compareReports(load(beforePath), load(afterPath));
for (const line of lines) console.log(line);
process.exit(ok ? 0 : 1);
