// kill -9 of the feishu-sync process in the middle of a sync: a second process takes the redelivered job over and
// finishes the run, and the fake holds every record exactly once — by content, and by client_token (no batch was
// created under a second token).
import { afterAll, describe, expect, it } from 'vitest';
import { createTestUser, startServiceProcess, TEST_USER_PASSWORD, useTestService, waitFor, type ServiceProcess } from '@doitcrm/kit/testing';
import { feishuSyncConfigShape } from '../src/config.ts';
import { fakeRecords, fakeStudents, feishuEnv, recordCounts, useFeishuFake } from './feishu-fixture.ts';
import { buildExport } from './sync-data.ts';

// each write holds its table 80 ms, so a sync of a few dozen small batches is still running when it is killed
const feishu = useFeishuFake({ writeLatencyMs: 80 });
const t = useTestService('feishu-sync-kill', feishuSyncConfigShape);
const BATCH = 5;
const processes: ServiceProcess[] = [];
afterAll(async () => { await Promise.all(processes.map((p) => p.stop())); });

async function start(): Promise<ServiceProcess> {
  const service = await startServiceProcess(t.service, 'services/feishu-sync/src/start.ts', feishuEnv(feishu, { FEISHU_SYNC_BATCH_SIZE: String(BATCH) }));
  processes.push(service);
  return service;
}

describe('feishu-sync killed mid-sync', () => {
  it('when the process is killed with SIGKILL while it writes, then the next process finishes the run and no record exists twice', async () => {
    // Arrange
    const first = await start();
    const staff = await createTestUser(t.context, 'staff');
    const login = await fetch(`${first.baseUrl}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: staff.username, password: TEST_USER_PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const data = buildExport(feishu, 'killed', 0, 40);
    const form = new FormData();
    form.append('file', new Blob([data.csv]), 'export.csv');
    const uploaded = await (await fetch(`${first.baseUrl}/api/uploads`, { method: 'POST', headers: { cookie }, body: form })).json() as { uploadId: number };
    const recordsBefore = fakeRecords(feishu).length;
    const tokensBefore = feishu.fake.state.clientTokens.size;

    // Act: kill -9 once two batches of learning records are in the base, then start another process
    const accepted = await (await fetch(`${first.baseUrl}/api/runs`, {
      method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ uploadId: uploaded.uploadId }),
    })).json() as { runId: number };
    await waitFor('two batches of records written', () => fakeRecords(feishu).length - recordsBefore >= 2 * BATCH, { timeoutMs: 60_000, intervalMs: 5 });
    first.child.kill('SIGKILL');
    await waitFor('the killed process gone', () => first.exit(), { timeoutMs: 10_000 });
    const createdAtKill = fakeRecords(feishu).length - recordsBefore;
    const second = await start();
    const run = await waitFor('the run to end in the second process', async () => {
      const body = await (await fetch(`${second.baseUrl}/api/runs/${accepted.runId}`, { headers: { cookie } })).json() as { state: string };
      return body.state === 'succeeded' || body.state === 'failed' ? body : null;
    }, { timeoutMs: 90_000, intervalMs: 200 });

    // Assert
    expect(first.exit()).toMatchObject({ signal: 'SIGKILL' });
    expect(createdAtKill).toBeLessThan(data.expected.newRecords);
    expect(run).toMatchObject({ state: 'succeeded', counters: { studentsCreated: data.expected.newStudents, recordsCreated: data.expected.newRecords } });
    expect(fakeRecords(feishu).length - recordsBefore).toBe(data.expected.newRecords);
    expect([...recordCounts(feishu).values()].filter((n) => n > 1)).toEqual([]);
    const students = fakeStudents(feishu).filter((s) => s.userId.startsWith('u_killed_'));
    expect(students).toHaveLength(data.expected.newStudents);
    expect(new Set(students.map((s) => s.userId)).size).toBe(data.expected.newStudents);
    // one client_token per batch the plan cut, whichever process sent it: a batch sent twice was sent with its own token
    const batches = Math.ceil(data.expected.newStudents / BATCH) + Math.ceil(data.expected.newRecords / BATCH);
    expect(feishu.fake.state.clientTokens.size - tokensBefore).toBe(batches);
  }, 180_000);
});
