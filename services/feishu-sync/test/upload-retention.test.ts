// Upload retention: uploads (every row of an export, phones included) older than FEISHU_SYNC_UPLOAD_RETENTION_DAYS
// go on the daily schedule, while a run keeps its file's name and row count and can still be rolled back.
import { describe, expect, it } from 'vitest';
import { waitForJob } from '@doitcrm/kit/testing';
import { insertRun, startRun } from '../src/data-access/run-repository.ts';
import { startFeishuSyncSchedules } from '../src/entry-points/schedules.ts';
import { tablesSnapshot, useFeishuSyncApp } from './feishu-fixture.ts';
import { buildExport } from './sync-data.ts';

const { feishu, t, api } = useFeishuSyncApp(['staff'], { env: { FEISHU_SYNC_BATCH_SIZE: '5', FEISHU_SYNC_UPLOAD_RETENTION_DAYS: '30' }, consumer: true });

async function upload(csv: Buffer, fileName: string): Promise<number> {
  const response = await api().post('/api/uploads').set('Cookie', t.cookies.staff).attach('file', csv, fileName);
  expect(response.status).toBe(201);
  return response.body.uploadId;
}

const ageUpload = (id: number, days: number) =>
  t.context.pool.query("UPDATE feishu.uploads SET created_at = now() - make_interval(days => $2) WHERE id = $1", [id, days]);

const uploadsLeft = async (ids: number[]) =>
  (await t.context.pool.query<{ id: string }>('SELECT id FROM feishu.uploads WHERE id = ANY($1) ORDER BY id', [ids])).rows.map((r) => Number(r.id));

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('upload retention', () => {
  it('when uploads are past retention, then the schedule deletes them (not one a run still reads), and the run keeps its file name and can be rolled back', async () => {
    const data = buildExport(feishu, 'retained', 22);
    const before = tablesSnapshot(feishu);
    const synced = await upload(data.csv, '小鹅通导出-五月.csv');
    const accepted = await api().post('/api/runs').set('Cookie', t.cookies.staff).send({ uploadId: synced });
    expect((await waitForJob({ app: t.app, cookie: t.cookies.staff }, accepted.body.jobId, { timeoutMs: 60_000 })).status).toBe('succeeded');
    const fresh = await upload(data.csv, 'fresh.csv');
    const inUse = await upload(data.csv, 'in-use.csv');
    const running = await insertRun(t.context.pool, { uploadId: inUse, jobId: null, createdBy: null });
    await startRun(t.context.pool, running.id);
    await ageUpload(synced, 31);
    await ageUpload(inUse, 45);
    await ageUpload(fresh, 29);

    const schedule = startFeishuSyncSchedules(t.context);
    await until(async () => !(await uploadsLeft([synced])).includes(synced)).finally(() => schedule.stop());
    const history = await api().get('/api/runs').set('Cookie', t.cookies.staff);
    const plan = await t.context.pool.query('SELECT plan IS NULL AS gone FROM feishu.runs WHERE id = $1', [accepted.body.runId]);
    const report = await api().get(`/api/runs/${accepted.body.runId}/errors.csv`).set('Cookie', t.cookies.staff);
    const rolledBack = await api().post(`/api/runs/${accepted.body.runId}/rollback`).set('Cookie', t.cookies.staff);

    expect(await uploadsLeft([synced, fresh, inUse])).toEqual([fresh, inUse].sort((a, b) => a - b));
    expect(history.body.items.find((r: { id: number }) => r.id === accepted.body.runId))
      .toMatchObject({ uploadId: null, fileName: '小鹅通导出-五月.csv', totalRows: 16, state: 'succeeded' });
    expect(history.body.items.find((r: { id: number }) => r.id === running.id)).toMatchObject({ uploadId: inUse, fileName: 'in-use.csv' });
    expect(plan.rows[0].gone).toBe(true);
    expect(report.status).toBe(200);
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toMatchObject({ restored: 2, deleted: 27, alreadyGone: 0 });
    expect(tablesSnapshot(feishu)).toBe(before);
  }, 120_000);

  it('when a sync is asked for an upload retention deleted, then it answers 404', async () => {
    const uploadId = await upload(buildExport(feishu, 'expired', 26).csv, 'expired.csv');
    await ageUpload(uploadId, 40);
    const schedule = startFeishuSyncSchedules(t.context);
    await until(async () => (await uploadsLeft([uploadId])).length === 0).finally(() => schedule.stop());

    const response = await api().post('/api/runs').set('Cookie', t.cookies.staff).send({ uploadId });

    expect(response.status).toBe(404);
  }, 60_000);
});
