import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findJob, insertJob, markJobRunning } from '@doitcrm/kit';
import { sleep, useTestService, waitForJob } from '@doitcrm/kit/testing';
import type { EtlImportJob } from '@doitcrm/types';
import { etlConfigShape } from '../src/config.ts';
import { startImportConsumer } from '../src/entry-points/queue/import-consumer.ts';
import { manyTextRecords, toJsonl } from './archive-factory.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-etl-queue-'));
const uploadDir = path.join(root, 'uploads');
const outsideDir = path.join(root, 'elsewhere');
fs.mkdirSync(uploadDir);
fs.mkdirSync(outsideDir);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// two workers in one process: a redelivered message can reach the second while the first still runs the job
const t = useTestService('etl', etlConfigShape, { env: { UPLOAD_DIR: uploadDir, IMPORT_WORKERS: '2' }, prepare: startImportConsumer });

const finished = (jobId: string) => waitForJob({ pool: t.context.pool }, jobId, { intervalMs: 100 });

function writeFile(dir: string, records: Array<Record<string, unknown>>): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.upload`);
  fs.writeFileSync(file, toJsonl(records));
  return file;
}

async function queueJob(filePath: string): Promise<{ jobId: string; message: EtlImportJob }> {
  const job = await insertJob(t.context.pool, { type: 'etl.import', params: { originalName: 'a.jsonl' } });
  const message: EtlImportJob = { jobId: job.id, filePath, originalName: 'a.jsonl', conflict: 'skip', userId: null };
  return { jobId: job.id, message };
}

async function runsOf(jobId: string): Promise<number> {
  const { rows } = await t.context.pool.query('SELECT count(*)::int AS n FROM chat.import_runs WHERE job_id = $1', [jobId]);
  return rows[0].n;
}

async function storedCount(records: Array<Record<string, unknown>>): Promise<number> {
  const { rows } = await t.context.pool.query('SELECT count(*)::int AS n FROM chat.messages WHERE msgid = ANY($1)', [records.map((record) => record.msgid)]);
  return rows[0].n;
}

describe('etl.import jobs from the queue', () => {
  it.each([
    ['a path climbing out of UPLOAD_DIR', (victim: string) => path.relative(uploadDir, victim)],
    ['an absolute path outside UPLOAD_DIR', (victim: string) => victim],
    ['a symlink in UPLOAD_DIR pointing out of it', (victim: string) => {
      const link = path.join(uploadDir, `${path.basename(victim)}.upload`);
      fs.symlinkSync(victim, link);
      return link;
    }],
  ])('when a queued message names %s, then the job fails naming the reason and the file is neither read nor deleted', async (_case, pathFor) => {
    const records = manyTextRecords(3);
    const victim = writeFile(outsideDir, records);
    const { jobId, message } = await queueJob(pathFor(victim));

    await t.context.broker.sendJob('etl.import', message);
    const job = await finished(jobId);

    expect(job.status).toBe('failed');
    expect(job.error).toContain('UPLOAD_DIR');
    expect(fs.existsSync(victim)).toBe(true);
    expect(await storedCount(records)).toBe(0);
    expect(await runsOf(jobId)).toBe(0);
  });

  it('when the same job is delivered twice at once, then it runs once: the second delivery waits and finds it finished', async () => {
    const records = manyTextRecords(20_000);
    const file = writeFile(uploadDir, records);
    const { jobId, message } = await queueJob(file);

    await t.context.broker.sendJob('etl.import', message);
    await t.context.broker.sendJob('etl.import', message);
    const job = await finished(jobId);
    await sleep(1_000);
    await t.context.broker.sendJob('etl.import', message);
    await sleep(1_000);

    expect(job).toMatchObject({ status: 'succeeded', attempts: 1, result: { inserted: 20_000 } });
    expect(await findJob(t.context.pool, jobId)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await runsOf(jobId)).toBe(1);
    expect(await storedCount(records)).toBe(20_000);
  });

  it('when every earlier delivery of a job died mid-run, then the next one fails it instead of running it yet again', async () => {
    const records = manyTextRecords(5);
    const file = writeFile(uploadDir, records);
    const { jobId, message } = await queueJob(file);
    for (let attempt = 0; attempt < 3; attempt += 1) await markJobRunning(t.context.pool, jobId);

    await t.context.broker.sendJob('etl.import', message);
    const job = await finished(jobId);

    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/3/);
    expect(await runsOf(jobId)).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('when an interrupted job is delivered again, then it resumes and completes the load', async () => {
    const records = manyTextRecords(50);
    const file = writeFile(uploadDir, records);
    const { jobId, message } = await queueJob(file);
    await markJobRunning(t.context.pool, jobId);

    await t.context.broker.sendJob('etl.import', message);
    const job = await finished(jobId);

    expect(job).toMatchObject({ status: 'succeeded', attempts: 2, result: { inserted: 50 } });
    expect(await storedCount(records)).toBe(50);
  });
});
