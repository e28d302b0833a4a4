import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { contactsSyncConfigShape } from '../src/config.ts';
import { fakeDirectory, useFakeWecom, wecomEnv } from './sync-fixture.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const wecom = useFakeWecom();
const t = useTestService('contacts-sync', contactsSyncConfigShape);

/** The CLI as an operator runs it, against this file's database, broker namespace, Redis prefix and the fake. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', CLI, ...args], {
      cwd: REPO_ROOT, timeout: 120_000,
      env: {
        ...process.env, DATABASE_URL: t.context.config.DATABASE_URL, AMQP_NAMESPACE: t.context.config.AMQP_NAMESPACE,
        REDIS_PREFIX: t.context.config.REDIS_PREFIX, ...env,
      },
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

describe('contacts CLI', () => {
  it('when the mode is missing or unknown, then it prints the usage and exits 2', async () => {
    const missing = await runCli([]);
    const unknown = await runCli(['--mode', 'everything']);

    expect(missing.code).toBe(2);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--mode full|incremental|status|test');
  });

  it('when WeCom is not configured, then a sync exits 1 naming the settings', async () => {
    const result = await runCli(['--mode', 'full'], { WECOM_CORP_ID: '', WECOM_SECRET: '' });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('WECOM_CORP_ID');
  });

  it('when a full sync runs from the CLI, then it exits 0 with the counts, the run is recorded as a job, and status lists it', async () => {
    // WeCom's documented limits instead of the cautious defaults: the limiter's pacing has its own tests
    const result = await runCli(['--mode', 'full'], { ...wecomEnv(wecom), WECOM_RATE_LIMIT_PER_MINUTE: '10000', WECOM_RATE_LIMIT_PER_HOUR: '150000' });
    const status = await runCli(['--mode', 'status']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`客户关系 ${fakeDirectory(wecom.fake).pairs.length}`);
    const { rows } = await t.context.pool.query("SELECT r.state, j.status FROM contacts.sync_runs r JOIN ops.jobs j ON j.id = r.job_id");
    expect(rows).toEqual([{ state: 'succeeded', status: 'succeeded' }]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/#\d+ full 第\d+轮 succeeded/);
  }, 180_000);
});
