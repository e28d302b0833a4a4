import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPool, type Pool } from '../db.ts';
import { captureLogger, REDIS_URL, waitFor } from '../kit-test-helpers.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { uniqueSuffix } from '../testing/unique.ts';
import { jobChannel, JobReporter } from './job-progress.ts';
import { findJob, insertJob, type JobSnapshot } from './job-repository.ts';

let database: TestDatabase;
let pool: Pool;
let redis: Redis;
let subscriber: Redis;
const redisPrefix = `test:kit:${uniqueSuffix()}:`;
/** Messages published on each job's channel, by job id. */
const published = new Map<string, Array<Partial<JobSnapshot> & { partial?: boolean; done?: number }>>();

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ databaseUrl: database.url });
  redis = new Redis(REDIS_URL, { keyPrefix: redisPrefix });
  subscriber = new Redis(REDIS_URL);
  // job channels are `<prefix>jobs:<id>`: this pattern matches only this file's jobs
  await subscriber.psubscribe(`${redisPrefix}jobs:*`);
  subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
    const jobId = channel.slice(`${redisPrefix}jobs:`.length);
    published.set(jobId, [...(published.get(jobId) ?? []), JSON.parse(message) as Partial<JobSnapshot>]);
  });
});

afterAll(async () => {
  subscriber?.disconnect();
  redis?.disconnect();
  await pool?.end();
  await database?.drop();
});

const reporterFor = (jobId: string) => new JobReporter({ pool, redis, redisPrefix, logger: captureLogger().logger }, jobId);

describe('JobReporter', () => {
  test('when a job is started, progressed and succeeded, then ops.jobs follows each step and each is published on the job channel', async () => {
    // Arrange
    const job = await insertJob(pool, { type: 'test.import', params: { file: '班级群.jsonl' } });
    const reporter = reporterFor(job.id);

    // Act
    const started = await reporter.start();
    await reporter.progress(4, 10, '第 4 行');
    const afterProgress = await findJob(pool, job.id);
    const finished = await reporter.succeed({ inserted: 10 }, '导入完成');
    await waitFor('three messages on the job channel', () => (published.get(job.id) ?? []).length === 3);

    // Assert
    expect(job).toMatchObject({ status: 'queued', attempts: 0, startedAt: null });
    expect(started).toMatchObject({ status: 'running', attempts: 1, startedAt: expect.any(String) });
    expect(afterProgress).toMatchObject({ status: 'running', progressDone: 4, progressTotal: 10, message: '第 4 行' });
    expect(finished).toMatchObject({ status: 'succeeded', progressDone: 10, result: { inserted: 10 }, message: '导入完成', finishedAt: expect.any(String) });
    expect(await findJob(pool, job.id)).toEqual(finished);
    expect(published.get(job.id)!.map((message) => [message.status, message.progressDone])).toEqual([['running', 0], ['running', 4], ['succeeded', 10]]);
    expect(jobChannel(redisPrefix, job.id)).toBe(`${redisPrefix}jobs:${job.id}`);
  });

  test('when progress comes faster than the throttle, then the database is not written for each call but the last numbers are kept when the job fails', async () => {
    // Arrange
    const job = await insertJob(pool, { type: 'test.import' });
    const reporter = reporterFor(job.id);
    await reporter.start();

    // Act
    await reporter.progress(1, 100);
    await reporter.progress(2, 100);
    await reporter.progress(3, 100, '第 3 行');
    const whileThrottled = await findJob(pool, job.id);
    const failed = await reporter.fail('文件第 4 行不是 JSON');

    // Assert
    expect(whileThrottled).toMatchObject({ progressDone: 1 });
    expect(failed).toMatchObject({ status: 'failed', progressDone: 3, progressTotal: 100, message: '第 3 行', error: '文件第 4 行不是 JSON', result: null });
  });

  test('when a finished job is delivered again, then start answers null and the job keeps its outcome', async () => {
    // Arrange
    const job = await insertJob(pool, { type: 'test.import' });
    const first = reporterFor(job.id);
    await first.start();
    await first.succeed({ inserted: 1 });

    // Act
    const again = await reporterFor(job.id).start();

    // Assert
    expect(again).toBeNull();
    expect(await findJob(pool, job.id)).toMatchObject({ status: 'succeeded', attempts: 1, result: { inserted: 1 } });
  });

  test('when a running job is delivered again (its worker died), then start counts a second attempt', async () => {
    // Arrange
    const job = await insertJob(pool, { type: 'test.import' });
    await reporterFor(job.id).start();

    // Act
    const again = await reporterFor(job.id).start();

    // Assert
    expect(again).toMatchObject({ status: 'running', attempts: 2 });
  });
});
