import { describe, expect, it } from 'vitest';
import { waitForJob } from '@doitcrm/kit/testing';
import { fakeRecords, fakeStudents, tablesSnapshot, useFeishuSyncApp, writesOf } from './feishu-fixture.ts';
import { buildExport } from './sync-data.ts';

const { feishu, t, api } = useFeishuSyncApp(['staff', 'viewer'], { env: { FEISHU_SYNC_BATCH_SIZE: '5', FEISHU_SYNC_PAGE_SIZE: '20' }, consumer: true });

async function uploadExport(csv: Buffer): Promise<number> {
  const response = await api().post('/api/uploads').set('Cookie', t.cookies.staff).attach('file', csv, 'export.csv');
  expect(response.status).toBe(201);
  return response.body.uploadId;
}

async function syncAndWait(uploadId: number) {
  const accepted = await api().post('/api/runs').set('Cookie', t.cookies.staff).send({ uploadId });
  expect(accepted.status).toBe(202);
  const job = await waitForJob({ app: t.app, cookie: t.cookies.staff }, accepted.body.jobId, { timeoutMs: 60_000 });
  const run = await api().get(`/api/runs/${accepted.body.runId}`).set('Cookie', t.cookies.viewer);
  return { job, run: run.body };
}

describe('dry run, sync, re-run and rollback', () => {
  it('when staff dry-run an export, then the figures match the base and nothing is written', async () => {
    const data = buildExport(feishu, 'dry', 0);
    const uploadId = await uploadExport(data.csv);
    const writes = writesOf(feishu);

    const response = await api().post('/api/dry-run').set('Cookie', t.cookies.staff).send({ uploadId });

    expect(response.status).toBe(200);
    expect(response.body.counts).toEqual({ ...data.expected, duplicateRows: 0, rowErrors: 0 });
    expect(response.body.changedStudents).toEqual([{ userId: data.renamed.userId, changes: [{ field: '昵称', before: data.renamed.nickname, after: `${data.renamed.nickname}-改` }] }]);
    expect(response.body.newStudents[0].phone).toMatch(/^199\*{4}\d{4}$/);
    expect(response.body.reads).toMatchObject({ students: fakeStudents(feishu).length, records: fakeRecords(feishu).length });
    expect(writesOf(feishu)).toBe(writes);
    expect((await api().post('/api/dry-run').set('Cookie', t.cookies.viewer).send({ uploadId })).status).toBe(403);
  });

  it('when an export is synced, then students and linked records are created, old links kept, a re-run writes 0 records and rollback restores the tables', async () => {
    const before = tablesSnapshot(feishu);
    const data = buildExport(feishu, 'first', 2);
    const oldLinks = data.kept.links;
    const uploadId = await uploadExport(data.csv);

    const first = await syncAndWait(uploadId);

    expect(first.job).toMatchObject({ status: 'succeeded', type: 'feishu.sync' });
    expect(first.job.progressDone).toBe(first.job.progressTotal);
    expect(first.run).toMatchObject({ state: 'succeeded', counters: { studentsCreated: 12, studentsUpdated: 1, recordsCreated: 15, recordsSkipped: 1 } });
    expect(first.run.calls).toBeGreaterThan(0);
    expect(first.run.durationMs).toBeGreaterThanOrEqual(0);
    const students = new Map(fakeStudents(feishu).map((s) => [s.userId, s]));
    const records = fakeRecords(feishu);
    const kept = students.get(data.kept.userId)!;
    expect(kept.links.slice(0, oldLinks.length)).toEqual(oldLinks);
    expect(kept.links).toHaveLength(oldLinks.length + 1);
    expect(students.get(data.renamed.userId)!.nickname).toBe(`${data.renamed.nickname}-改`);
    const newcomer = students.get('u_first_0')!;
    const itsRecords = records.filter((r) => r.userId === 'u_first_0');
    expect(itsRecords).toHaveLength(2);
    expect(itsRecords.every((r) => r.student[0] === newcomer.recordId)).toBe(true);
    expect(newcomer.links.sort()).toEqual(itsRecords.map((r) => r.recordId).sort());

    const writesBefore = writesOf(feishu);
    const again = await syncAndWait(uploadId);
    expect(again.run).toMatchObject({ state: 'succeeded', counters: { studentsCreated: 0, studentsUpdated: 0, recordsCreated: 0, recordsSkipped: 16 } });
    expect(writesOf(feishu)).toBe(writesBefore);

    const rolledBack = await api().post(`/api/runs/${first.run.id}/rollback`).set('Cookie', t.cookies.staff);
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toMatchObject({ deleted: 27, restored: 2 });
    expect(tablesSnapshot(feishu)).toBe(before);
    const history = await api().get('/api/runs').set('Cookie', t.cookies.viewer);
    expect(history.body.items.find((r: { id: number }) => r.id === first.run.id)).toMatchObject({ state: 'rolled_back' });
    expect((await api().post(`/api/runs/${first.run.id}/rollback`).set('Cookie', t.cookies.staff)).status).toBe(409);
  });

  it('when the records table answers 429 past the retries on its second page, then the dry run fails loudly naming the page', async () => {
    const uploadId = await uploadExport(buildExport(feishu, 'limited', 4).csv);
    const rule = feishu.fake.inject({ kind: 'rate_limited', endpoint: 'records_search', after: 1, times: 20, resetSeconds: 0 });

    const response = await api().post('/api/dry-run').set('Cookie', t.cookies.staff).send({ uploadId });
    feishu.fake.clearInjections();

    expect(rule).toBeDefined();
    expect(response.status).toBe(503);
    expect(response.body.message).toContain('预演失败');
    expect(response.body.message).toContain('第 2 页');
  });

  it('when Feishu refuses the writes, then the run fails at once with a clear message in the history and the error report', async () => {
    const uploadId = await uploadExport(buildExport(feishu, 'denied', 6).csv);
    feishu.fake.inject({ kind: 'permission_denied', endpoint: 'records_batch_create', times: 100 });

    const { job, run } = await syncAndWait(uploadId);
    feishu.fake.clearInjections();

    expect(job.status).toBe('failed');
    expect(job.attempts).toBe(1);
    expect(run.state).toBe('failed');
    expect(run.error).toContain('飞书拒绝访问');
    const report = await api().get(`/api/runs/${run.id}/errors.csv`).set('Cookie', t.cookies.viewer);
    expect(report.status).toBe(200);
    expect(report.text).toContain('飞书拒绝访问');
    await api().post(`/api/runs/${run.id}/rollback`).set('Cookie', t.cookies.staff).expect(200);
  });

  it('when the records table lost a field the sync writes, then the run stops at once naming the field (1254045)', async () => {
    const uploadId = await uploadExport(buildExport(feishu, 'nofield', 12, 2).csv);
    const table = feishu.fake.state.bases.get(feishu.fake.demo.appToken)!.tables.get(feishu.fake.demo.recordsTableId)!;
    const index = table.fields.findIndex((f) => f.field_name === '学习日期');
    const [removed] = table.fields.splice(index, 1);

    const { job, run } = await syncAndWait(uploadId).finally(() => table.fields.splice(index, 0, removed!));

    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(run.state).toBe('failed');
    expect(run.error).toContain('「学习日期」');
    await api().post(`/api/runs/${run.id}/rollback`).set('Cookie', t.cookies.staff).expect(200);
  });

  it('when an older run is rolled back while a later run that wrote is not, then it is refused naming the later run', async () => {
    const older = await syncAndWait(await uploadExport(buildExport(feishu, 'older', 8, 2).csv));
    const newer = await syncAndWait(await uploadExport(buildExport(feishu, 'newer', 8, 2).csv));

    const refused = await api().post(`/api/runs/${older.run.id}/rollback`).set('Cookie', t.cookies.staff);
    await api().post(`/api/runs/${newer.run.id}/rollback`).set('Cookie', t.cookies.staff).expect(200);
    const allowed = await api().post(`/api/runs/${older.run.id}/rollback`).set('Cookie', t.cookies.staff);

    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(`第 ${newer.run.id} 次`);
    expect(allowed.status).toBe(200);
  });

  it('when a field is missing from a table, then the connection test names it; with the field back it passes', async () => {
    const table = feishu.fake.state.bases.get(feishu.fake.demo.appToken)!.tables.get(feishu.fake.demo.recordsTableId)!;
    const index = table.fields.findIndex((f) => f.field_name === '学习日期');
    const [removed] = table.fields.splice(index, 1);

    const broken = await api().post('/api/test-connection').set('Cookie', t.cookies.staff);
    table.fields.splice(index, 0, removed!);
    const fixed = await api().post('/api/test-connection').set('Cookie', t.cookies.staff);

    expect(broken.body.ok).toBe(false);
    expect(broken.body.credentials).toBe(true);
    expect(broken.body.tables).toContainEqual(expect.objectContaining({ table: 'records', ok: false, missing: ['学习日期'] }));
    expect(fixed.body).toMatchObject({ ok: true, credentials: true });
  });
});
