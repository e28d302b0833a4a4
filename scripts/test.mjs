// `npm test`: every test against the real PostgreSQL, RabbitMQ and Redis. The page tests need Debian's chromium and
// Chinese fonts (installed here when missing and we may, otherwise we stop before running anything) and the built
// pages, so the pages are built first (turbo skips what is unchanged).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPrerequisites } from './lib/system-prerequisites.mjs';
import { summarise } from './lib/test-summary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env }).status ?? 1;
const summaryFile = path.join(root, 'test-results', 'vitest.json');
const args = process.argv.slice(2);

ensureSystemPrerequisites();
if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json')) && run('npm', ['install', '--no-audit', '--no-fund']) !== 0) process.exit(1);
if (run('npm', ['run', 'build', '--silent']) !== 0) process.exit(1);
fs.rmSync(summaryFile, { force: true });
const status = run(process.execPath, [
  path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${summaryFile}`,
  ...args,
]);
if (!fs.existsSync(summaryFile)) {
  console.error(`\nvitest wrote no report (${path.relative(root, summaryFile)}): see its output above.`);
  process.exit(status || 1);
}
const nameFilter = args.some((arg) => arg === '-t' || arg.startsWith('-t=') || arg.startsWith('--testNamePattern'));
const { lines, ok } = summarise(JSON.parse(fs.readFileSync(summaryFile, 'utf8')), { root, nameFilter });
// the last line stays `tests: N passed, N failed, N skipped` alone, which CI parses; the lines before it say why
console.log(`\n${lines.join('\n')}`);
process.exit(status !== 0 ? status : ok ? 0 : 1);
