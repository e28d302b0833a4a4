import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '@doitcrm/kit';
import { createTestUser, sleep, startServiceProcess, TEST_USER_PASSWORD, useTestService, waitFor, waitForJob, type ServiceProcess } from '@doitcrm/kit/testing';
import { mapperConfigShape } from '../src/config.ts';
import { insertMessages, testIds, type TestMessage } from './chat-factory.ts';

// The harness context gets a name of its own, so terminating the connections named `doitcrm-mapper` on this test's
// database hits the service process under test and nothing else (no other test's database, no other engineer's).
const t = useTestService('mapper-harness', mapperConfigShape);
let mapper: ServiceProcess;
let cookie: string;


async function terminateMapperConnections(): Promise<number> {
  const { rows } = await t.context.pool.query<{ pid: number }>(
    `SELECT pg_terminate_backend(pid) AS terminated, pid FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = 'doitcrm-mapper'`,
  );
  return rows.length;
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${mapper.baseUrl}${path}`, { ...init, headers: { cookie, ...init.headers } });
}

const readyWithin = (ms: number): Promise<boolean> =>
  waitFor('/readyz to answer 200', async () => (await fetch(`${mapper.baseUrl}/readyz`).catch(() => null))?.status === 200, { timeoutMs: ms, intervalMs: 200 })
    .catch(() => false);

const finished = (jobId: string) => waitForJob({ baseUrl: mapper.baseUrl, cookie }, jobId, { intervalMs: 100 });

const aliveFor = (what: string) => `${what}: the mapper exited (${JSON.stringify(mapper.exit())}); last lines:\n${mapper.lines.slice(-8).join('\n')}`;

beforeAll(async () => {
  // two years of chat, so a whole-archive extraction runs long enough to be cut in the middle
  const ids = testIds();
  const messages: TestMessage[] = [];
  for (let i = 0; i < 30_000; i += 1) {
    messages.push({
      from: i % 3 === 0 ? ids.teacher : `wmTEST${i % 400}${ids.parent}`,
      to: [i % 3 === 0 ? `wmTEST${i % 400}${ids.parent}` : ids.teacher],
      roomId: i % 2 === 0 ? `${ids.room}${i % 50}` : null,
      at: new Date(Date.UTC(2023, 0, 1) + i * 35 * 60_000),
    });
  }
  for (let i = 0; i < messages.length; i += 5_000) await insertMessages(t.context.pool, messages.slice(i, i + 5_000));
  const staff = await createTestUser(t.context, 'staff');
  mapper = await startServiceProcess(t.service, 'services/mapper/src/start.ts');
  const login = await fetch(`${mapper.baseUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: staff.username, password: TEST_USER_PASSWORD }),
  });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(await readyWithin(20_000)).toBe(true);
}, 120_000);

afterAll(async () => {
  await mapper?.stop();
});

describe('when PostgreSQL drops the mapper\'s connections', () => {
  it('when its connections are terminated while it is idle, then the process stays up and is ready again', async () => {
    expect(await terminateMapperConnections()).toBeGreaterThan(0);
    await sleep(1_000);

    expect(mapper.exit(), aliveFor('after an idle drop')).toBeNull();
    expect(await readyWithin(10_000)).toBe(true);
  });

  it('when its connections are terminated in the middle of an extraction job, then the process stays up, is ready again, finishes the cut job and does the next one with the same pid', async () => {
    const pid = mapper.child.pid;
    const first = (await (await api('/api/extract', { method: 'POST' })).json()) as { jobId: string };
    // cut every connection it holds, again and again, while the job walks the months
    let terminated = 0;
    for (let i = 0; i < 20; i += 1) {
      const job = (await (await api(`/api/jobs/${first.jobId}`).catch(() => null))?.json().catch(() => null)) as JobSnapshot | null;
      if (job && (job.status === 'succeeded' || job.status === 'failed')) break;
      terminated += await terminateMapperConnections();
      await sleep(100);
    }
    await sleep(1_000);

    expect(terminated).toBeGreaterThan(0);
    expect(mapper.exit(), aliveFor('after drops mid-job')).toBeNull();
    expect(await readyWithin(10_000)).toBe(true);
    // the job the drops cut is run again, not failed
    expect((await finished(first.jobId)).status).toBe('succeeded');
    const next = (await (await api('/api/extract', { method: 'POST' })).json()) as { jobId: string };
    const done = await finished(next.jobId);
    expect(done.status).toBe('succeeded');
    expect(mapper.child.pid).toBe(pid);
    expect(mapper.exit()).toBeNull();
  }, 120_000);
});
