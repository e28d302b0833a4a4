import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from './compose-file.ts';
import { configLoaderOf, READY_SERVICES, startCommandOf } from './ready-services.ts';

const developmentDefaults = { NODE_ENV: 'production', COOKIE_SECURE: 'false' };
const settingsToChange = ['DATABASE_URL: connects as the PostgreSQL superuser', 'DATABASE_URL: connects without a password', 'AMQP_URL: logs in with RabbitMQ', 'REDIS_URL: Redis without a password', 'COOKIE_SECURE: false'];

/** Runs a deployment's start command with only `env` (no inherited DATABASE_URL & co.); resolves to its exit code and output. */
function start(key: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const [, ...args] = startCommandOf(key);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repositoryRoot, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 55_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('a service started with NODE_ENV=production', () => {
  test.each(READY_SERVICES)('when $key validates the development defaults, then its config loader refuses them and names every setting to change', async ({ key }) => {
    // Arrange
    const loadServiceConfig = await configLoaderOf(key);

    // Act
    const load = () => loadServiceConfig(developmentDefaults);

    // Assert
    for (const setting of settingsToChange) expect(load).toThrow(setting);
  });

  test('when a service process starts on the development defaults, then it exits 1 before connecting, naming every setting to change', async () => {
    // Arrange: one process is enough to show the start path stops there; the loaders above cover every service
    const key = READY_SERVICES[0]?.key ?? 'etl';

    // Act
    const { code, output } = await start(key, { ...developmentDefaults, LOG_LEVEL: 'info' });

    // Assert
    expect(code).toBe(1);
    for (const setting of settingsToChange) expect(output).toContain(setting);
    expect(output).not.toMatch(/ECONNREFUSED|listening/);
  });
});
