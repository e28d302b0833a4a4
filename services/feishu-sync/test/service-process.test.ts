import { afterAll, describe, expect, it } from 'vitest';
import { createTestUser, startServiceProcess, TEST_USER_PASSWORD, useTestService, waitFor, type ServiceProcess } from '@doitcrm/kit/testing';
import { feishuSyncConfigShape } from '../src/config.ts';
import { fakeRecords, feishuEnv, useFeishuFake } from './feishu-fixture.ts';
import { buildExport } from './sync-data.ts';

// start.ts as `npm start` will run it: tsx, its own process, the consumer and the HTTP app wired by runService
const feishu = useFeishuFake();
const t = useTestService('feishu-sync-process', feishuSyncConfigShape);
let service: ServiceProcess | undefined;
afterAll(async () => { await service?.stop(); });

describe('feishu-sync as a process', () => {
  it('when start.ts runs with tsx, then it is ready, and an upload synced through its API lands in the base', async () => {
    service = await startServiceProcess(t.service, 'services/feishu-sync/src/start.ts', feishuEnv(feishu));
    const staff = await createTestUser(t.context, 'staff');
    const login = await fetch(`${service.baseUrl}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: staff.username, password: TEST_USER_PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const data = buildExport(feishu, 'process', 0, 3);
    const form = new FormData();
    form.append('file', new Blob([data.csv]), 'export.csv');
    const recordsBefore = fakeRecords(feishu).length;

    const ready = await fetch(`${service.baseUrl}/readyz`);
    const uploaded = await (await fetch(`${service.baseUrl}/api/uploads`, { method: 'POST', headers: { cookie }, body: form })).json() as { uploadId: number };
    const accepted = await (await fetch(`${service.baseUrl}/api/runs`, {
      method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ uploadId: uploaded.uploadId }),
    })).json() as { runId: number };
    const run = await waitFor('the run to end', async () => {
      const body = await (await fetch(`${service!.baseUrl}/api/runs/${accepted.runId}`, { headers: { cookie } })).json() as { state: string };
      return body.state === 'succeeded' || body.state === 'failed' ? body : null;
    }, { timeoutMs: 60_000 });

    expect(ready.status).toBe(200);
    expect(run).toMatchObject({ state: 'succeeded', counters: { recordsCreated: data.expected.newRecords } });
    expect(fakeRecords(feishu).length - recordsBefore).toBe(data.expected.newRecords);
  }, 90_000);
});
