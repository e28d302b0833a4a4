// `npm test`: every test against the real PostgreSQL, RabbitMQ and Redis. The page tests need the built pages
// and Debian's chromium, so the pages are built first (turbo skips what is unchanged).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env }).status ?? 1;

const extra = process.argv.slice(2);
if (run('npm', ['run', 'build', '--silent']) !== 0) process.exit(1);
process.exit(run(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...extra]));
