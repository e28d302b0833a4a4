// Rollback of a run that failed partway: whatever it had written — students, learning records, changed cells and
// link cells of existing students — is undone, and both tables are as they were before the run, cell for cell.
import { describe, expect, it } from 'vitest';
import { waitForJob } from '@doitcrm/kit/testing';
import type { FeishuEndpoint } from '@doitcrm/fakes';
import { exportCsv, fakeRecords, fakeStudents, tablesSnapshot, useFeishuSyncApp } from './feishu-fixture.ts';
import { buildExport, HEADER } from './sync-data.ts';

const { feishu, t, api } = useFeishuSyncApp(['staff'], { env: { FEISHU_SYNC_BATCH_SIZE: '5' }, consumer: true });

/**
 * Two existing students (one renamed), each with a new course, then 12 new students with one record each: the first
 * batch of link cells (the two existing students and three new ones) is ready after the first batch of records, so it
 * is the first `batch_update` sent whatever the timing.
 */
function existingFirstExport(prefix: string, offset: number): Buffer {
  const { kept, renamed } = buildExport(feishu, prefix, offset);
  const rows = [
    [kept.userId, kept.nickname, kept.phone ?? '', `${prefix}-新课`, '2025-06-01'],
    [renamed.userId, `${renamed.nickname}-改`, renamed.phone ?? '', `${prefix}-新课`, '2025-06-02'],
    ...Array.from({ length: 12 }, (_, i) => [`u_${prefix}_${i}`, `${prefix}学员${i}`, '', '非暴力沟通入门课', '2025-07-01']),
  ];
  return Buffer.from(exportCsv(HEADER, rows));
}

/** A run of a fresh export whose writes to `endpoint` fail for good after `after` got through: it ends failed. */
async function partialRun(csv: Buffer, endpoint: FeishuEndpoint, after: number) {
  const uploaded = await api().post('/api/uploads').set('Cookie', t.cookies.staff).attach('file', csv, 'export.csv');
  const rule = feishu.fake.inject({ kind: 'server_error', endpoint, after, times: 1_000 });
  const accepted = await api().post('/api/runs').set('Cookie', t.cookies.staff).send({ uploadId: uploaded.body.uploadId });
  const job = await waitForJob({ app: t.app, cookie: t.cookies.staff }, accepted.body.jobId, { timeoutMs: 90_000 }).finally(() => rule.remove());
  const run = await api().get(`/api/runs/${accepted.body.runId}`).set('Cookie', t.cookies.staff);
  return { job, run: run.body as { id: number; state: string } };
}

describe('rollback after a partial run', () => {
  it('when a run failed after creating everything and writing some students\' cells, then rollback leaves both tables as before', async () => {
    const before = tablesSnapshot(feishu);
    const recordsBefore = fakeRecords(feishu).length;

    const { job, run } = await partialRun(existingFirstExport('partial-links', 2), 'records_batch_update', 1);
    const changedByRun = tablesSnapshot(feishu) !== before;
    const createdByRun = fakeRecords(feishu).length - recordsBefore;
    const rolledBack = await api().post(`/api/runs/${run.id}/rollback`).set('Cookie', t.cookies.staff);

    expect(job.status).toBe('failed');
    expect(run.state).toBe('failed');
    expect([changedByRun, createdByRun]).toEqual([true, 14]);
    expect(rolledBack.status).toBe(200);
    // the first students batch held the existing students: one renamed and both given a link, written back
    expect(rolledBack.body).toMatchObject({ restored: 2, deleted: 12 + 14 });
    expect(tablesSnapshot(feishu)).toBe(before);
  }, 120_000);

  it('when a run failed in the middle of its learning records, then rollback deletes what it made and leaves both tables as before', async () => {
    const before = tablesSnapshot(feishu);
    const recordsBefore = fakeRecords(feishu).length;

    // four creates get through: students and records interleave (the two tables are written at once), so some of each
    const { run } = await partialRun(buildExport(feishu, 'partial-records', 6).csv, 'records_batch_create', 4);
    const createdByRun = fakeRecords(feishu).length - recordsBefore;
    const studentsByRun = fakeStudents(feishu).filter((s) => s.userId.startsWith('u_partial-records_')).length;
    const rolledBack = await api().post(`/api/runs/${run.id}/rollback`).set('Cookie', t.cookies.staff);

    expect(run.state).toBe('failed');
    expect(createdByRun).toBeGreaterThan(0);
    expect(createdByRun).toBeLessThan(15);
    expect(studentsByRun).toBeGreaterThan(0);
    expect(rolledBack.body).toMatchObject({ restored: 0, deleted: studentsByRun + createdByRun });
    expect(tablesSnapshot(feishu)).toBe(before);
  }, 120_000);
});
