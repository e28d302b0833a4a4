import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { insertRun } from '../src/data-access/run-repository.ts';
import { runSync } from '../src/domain/run-sync.ts';
import { connectionOf, exportCsv, fakeRecords, recordCounts, useFeishuSyncApp } from './feishu-fixture.ts';
import { HEADER } from './sync-data.ts';

const { feishu, t } = useFeishuSyncApp(['staff']);

const STUDENTS = 3_000;
const ROWS = 10_000;

describe('API calls of a large first sync', () => {
  it('when a 10,000-row export of 3,000 new students is synced, then it takes the batch writes and reads it must and little more', async () => {
    const rows: string[][] = [];
    for (let i = 0; i < ROWS; i++) {
      const s = i % STUDENTS;
      rows.push([`u_perf_${s}`, `学员${s}`, `1990${String(s).padStart(7, '0')}`, `课程${Math.floor(i / STUDENTS)}`, '2025-09-01']);
    }
    const uploaded = await supertest(t.app).post('/api/uploads').set('Cookie', t.cookies.staff)
      .attach('file', Buffer.from(exportCsv(HEADER, rows)), 'big.csv');
    expect(uploaded.body).toMatchObject({ validRows: ROWS, errorCount: 0 });
    const run = await insertRun(t.context.pool, { uploadId: uploaded.body.uploadId, jobId: null, createdBy: null });
    const connection = connectionOf(t.context);
    const client = connection.newClient();
    const recordsBefore = fakeRecords(feishu).length;

    const started = performance.now();
    const counters = await runSync({ pool: t.context.pool, client, tables: connection.tables, logger: t.context.logger, batchSize: 500 }, run.id);
    const ms = Math.round(performance.now() - started);

    const calls = client.calls.byEndpoint();
    const reads = calls.records_search ?? 0;
    const minimum = Math.ceil(STUDENTS / 500) + Math.ceil(ROWS / 500) + reads;
    console.info(`first sync of ${ROWS} rows (${STUDENTS} students): ${client.calls.total} calls ${JSON.stringify(calls)} in ${ms} ms; `
      + `brief's minimum ${minimum} (creates + reads) + 1 token; back-links to the students add ${Math.ceil(STUDENTS / 500)}`);
    expect(counters).toMatchObject({ studentsCreated: STUDENTS, recordsCreated: ROWS });
    expect(fakeRecords(feishu).length - recordsBefore).toBe(ROWS);
    expect([...recordCounts(feishu).values()].every((n) => n === 1)).toBe(true);
    expect(calls.records_batch_create).toBe(Math.ceil(STUDENTS / 500) + Math.ceil(ROWS / 500));
    expect(calls.records_batch_update).toBe(Math.ceil(STUDENTS / 500));
    expect(client.calls.total).toBe(minimum + Math.ceil(STUDENTS / 500) + (calls.tenant_access_token ?? 0));
  }, 120_000);
});
