import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { findRun, insertRun } from '../src/data-access/run-repository.ts';
import { runSync, type RunOptions } from '../src/domain/run-sync.ts';
import { connectionOf, fakeRecords, fakeStudents, recordCounts, useFeishuSyncApp } from './feishu-fixture.ts';
import { buildExport } from './sync-data.ts';

const { feishu, t } = useFeishuSyncApp(['staff'], { env: { FEISHU_SYNC_BATCH_SIZE: '5' } });

/** A run started in this process (as the worker does after a crash, it is run again under the same id). */
async function newRun(prefix: string, offset: number) {
  const data = buildExport(feishu, prefix, offset);
  const uploaded = await supertest(t.app).post('/api/uploads').set('Cookie', t.cookies.staff).attach('file', data.csv, 'export.csv');
  const run = await insertRun(t.context.pool, { uploadId: uploaded.body.uploadId, jobId: null, createdBy: null });
  const connection = connectionOf(t.context);
  const attempt = (options: RunOptions = {}) => runSync(
    { pool: t.context.pool, client: connection.newClient(), tables: connection.tables, logger: t.context.logger, batchSize: 5 }, run.id, options,
  );
  return { data, runId: run.id, attempt };
}

const duplicates = () => [...recordCounts(feishu).values()].filter((n) => n > 1).length;
const studentsNamed = (prefix: string) => fakeStudents(feishu).filter((s) => s.userId.startsWith(`u_${prefix}_`)).length;

describe('resuming a sync that stopped midway', () => {
  it('when the fake fails every create after the second records batch, then the resumed run finishes with no duplicate', async () => {
    const { data, runId, attempt } = await newRun('failing', 10);
    const recordsAtStart = fakeRecords(feishu).length;
    // batch_create serves both tables: three batches of students, then two of learning records get through
    feishu.fake.inject({ kind: 'server_error', endpoint: 'records_batch_create', after: 3 + 2, times: 1_000 });

    await expect(attempt()).rejects.toThrow();
    feishu.fake.clearInjections();
    const createdBeforeResume = fakeRecords(feishu).length - recordsAtStart;
    const counters = await attempt();

    expect(createdBeforeResume).toBe(10);
    expect(counters).toMatchObject({ studentsCreated: data.expected.newStudents, recordsCreated: data.expected.newRecords });
    expect(studentsNamed('failing')).toBe(data.expected.newStudents);
    expect(fakeRecords(feishu).length - recordsAtStart).toBe(data.expected.newRecords);
    expect(duplicates()).toBe(0);
    expect((await findRun(t.context.pool, runId))!.calls).toBeGreaterThan(0);
  });

  it('when the process dies after Feishu created a batch but before the local map kept it, then the resume replays its client_token and creates nothing twice', async () => {
    const { data, attempt } = await newRun('crashed', 14);
    const recordsAtStart = fakeRecords(feishu).length;
    const creates = () => feishu.fake.calls.count('records_batch_create', 0);
    const crash = { afterCreateBatch: (table: string, batch: number) => { if (table === 'records' && batch === 1) throw new Error('killed'); } };

    await expect(attempt(crash)).rejects.toThrow('killed');
    const createsBefore = creates();
    await attempt();

    // batch 1 is sent again (same token: Feishu answers the records it made), then batch 2: two calls, no new duplicates
    expect(creates() - createsBefore).toBe(2);
    expect(fakeRecords(feishu).length - recordsAtStart).toBe(data.expected.newRecords);
    expect(studentsNamed('crashed')).toBe(data.expected.newStudents);
    expect(duplicates()).toBe(0);
  });
});
