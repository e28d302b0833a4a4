// Rollback when the tables changed behind the service's back: records the run created deleted by hand (or lost when
// the fake restarted), a student whose cells it changed deleted too, and a rollback that stopped midway asked again.
import { describe, expect, it } from 'vitest';
import { waitForJob } from '@doitcrm/kit/testing';
import { deleteByHand, fakeRecords, fakeStudents, tablesSnapshot, useFeishuSyncApp } from './feishu-fixture.ts';
import { buildExport } from './sync-data.ts';

const { feishu, t, api } = useFeishuSyncApp(['staff'], { env: { FEISHU_SYNC_BATCH_SIZE: '5' }, consumer: true });

/** Syncs a fresh export (12 new students, 15 records, one renamed and one re-linked existing student) to the end. */
async function syncedExport(prefix: string, offset: number) {
  const data = buildExport(feishu, prefix, offset);
  const before = tablesSnapshot(feishu);
  const uploaded = await api().post('/api/uploads').set('Cookie', t.cookies.staff).attach('file', data.csv, 'export.csv');
  const accepted = await api().post('/api/runs').set('Cookie', t.cookies.staff).send({ uploadId: uploaded.body.uploadId });
  const job = await waitForJob({ app: t.app, cookie: t.cookies.staff }, accepted.body.jobId, { timeoutMs: 60_000 });
  expect(job.status).toBe('succeeded');
  const created = {
    students: fakeStudents(feishu).filter((s) => s.userId.startsWith(`u_${prefix}_`)).map((s) => s.recordId),
    records: fakeRecords(feishu).filter((r) => r.userId.startsWith(`u_${prefix}_`) || r.course === `${prefix}-新课`).map((r) => r.recordId),
  };
  return { ...data, before, runId: accepted.body.runId as number, created };
}

/** A snapshot (tablesSnapshot) without one student: what "as before" means once that student was deleted by hand. */
function withoutStudent(snapshot: string, recordId: string): string {
  const parsed = JSON.parse(snapshot) as { students: Array<[string, unknown]>; records: unknown[] };
  return JSON.stringify({ ...parsed, students: parsed.students.filter(([id]) => id !== recordId) });
}

describe('rollback of a run whose records changed in Feishu', () => {
  it('when some created records and a changed student were deleted by hand, then rollback counts them as gone, reports the student and finishes', async () => {
    const run = await syncedExport('gone-some', 10);
    expect([run.created.students.length, run.created.records.length]).toEqual([12, 15]);
    deleteByHand(feishu, 'students', [run.created.students[0]!, run.renamed.recordId]);
    deleteByHand(feishu, 'records', run.created.records.slice(0, 2));

    const rolledBack = await api().post(`/api/runs/${run.runId}/rollback`).set('Cookie', t.cookies.staff);
    const history = await api().get(`/api/runs/${run.runId}`).set('Cookie', t.cookies.staff);

    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toEqual({ runId: run.runId, restored: 1, deleted: 27, alreadyGone: 3, notRestored: [run.renamed.recordId] });
    expect(history.body).toMatchObject({ state: 'rolled_back', counters: { deleted: 27, alreadyGone: 3, restored: 1, notRestored: 1 } });
    expect(tablesSnapshot(feishu)).toBe(withoutStudent(run.before, run.renamed.recordId));
  }, 90_000);

  it('when every record the run created is gone (the fake restarted), then rollback counts them all as deleted and restores the changed students', async () => {
    const run = await syncedExport('gone-all', 14);
    deleteByHand(feishu, 'students', run.created.students);
    deleteByHand(feishu, 'records', run.created.records);

    const rolledBack = await api().post(`/api/runs/${run.runId}/rollback`).set('Cookie', t.cookies.staff);

    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toEqual({ runId: run.runId, restored: 2, deleted: 27, alreadyGone: 27, notRestored: [] });
    expect(tablesSnapshot(feishu)).toBe(run.before);
  }, 90_000);

  it('when a rollback stops midway on Feishu errors, then asking again finishes it and reports the whole', async () => {
    const run = await syncedExport('gone-again', 18);
    // the learning records' delete gets through, the students' delete fails however often it is retried
    const rule = feishu.fake.inject({ kind: 'server_error', endpoint: 'records_batch_delete', after: 1, times: 1_000 });
    const stopped = await api().post(`/api/runs/${run.runId}/rollback`).set('Cookie', t.cookies.staff);
    rule.remove();
    const between = await api().get(`/api/runs/${run.runId}`).set('Cookie', t.cookies.staff);
    const studentsLeft = fakeStudents(feishu).filter((s) => s.userId.startsWith('u_gone-again_')).length;

    const again = await api().post(`/api/runs/${run.runId}/rollback`).set('Cookie', t.cookies.staff);

    expect(stopped.status).toBeGreaterThanOrEqual(500);
    expect(between.body).toMatchObject({ state: 'succeeded', counters: { restored: 2, deleted: 15 } });
    expect(studentsLeft).toBe(12);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ runId: run.runId, restored: 2, deleted: 27, alreadyGone: 0, notRestored: [] });
    expect(tablesSnapshot(feishu)).toBe(run.before);
  }, 90_000);

  it('when staff ask for a rollback without waiting, then it runs as a job whose progress counts every record handled, and a second ask is refused', async () => {
    const run = await syncedExport('gone-job', 30);

    const accepted = await api().post(`/api/runs/${run.runId}/rollback`).set('Cookie', t.cookies.staff).send({ wait: false });
    const job = await waitForJob({ app: t.app, cookie: t.cookies.staff }, accepted.body.jobId, { timeoutMs: 60_000 });
    const history = await api().get(`/api/runs/${run.runId}`).set('Cookie', t.cookies.staff);
    const again = await api().post(`/api/runs/${run.runId}/rollback`).set('Cookie', t.cookies.staff).send({ wait: false });

    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ runId: run.runId, jobId: expect.any(String) });
    // 2 changed students, then 15 learning records and 12 students deleted
    expect(job).toMatchObject({ type: 'feishu.rollback', status: 'succeeded', progressDone: 29, progressTotal: 29 });
    expect(job.result).toEqual({ runId: run.runId, restored: 2, deleted: 27, alreadyGone: 0, notRestored: [] });
    expect(history.body).toMatchObject({ state: 'rolled_back', rollbackJobId: accepted.body.jobId });
    expect(again.status).toBe(409);
    expect(tablesSnapshot(feishu)).toBe(run.before);
  }, 90_000);
});
