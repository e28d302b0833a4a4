import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { baseConfigShape, type BaseConfig } from '../config.ts';
import { openRawAmqp, sleep, waitFor, type RawAmqp } from '../kit-test-helpers.ts';
import type { ServiceContext } from '../service.ts';
import { createTestService, type TestService } from '../testing/service-harness.ts';
import { uniqueSuffix } from '../testing/unique.ts';
import { consumeJob, JobInputError, type JobConsumerSpec } from './consume-job.ts';
import { findJob, insertJob, markJobRunning, type JobSnapshot } from './job-repository.ts';

let service: TestService<BaseConfig>;
let context: ServiceContext;
let raw: RawAmqp;

beforeAll(async () => {
  service = await createTestService('kit-jobs', baseConfigShape);
  context = service.context;
  raw = await openRawAmqp();
});
afterAll(async () => {
  await raw?.close();
  await service?.cleanup();
});

const payloadSchema = z.object({ jobId: z.string().uuid(), count: z.number().int().positive() });
type Payload = z.infer<typeof payloadSchema>;

/** A consumer on a queue of its own (so its metrics are its own too), and a job to send it. */
async function startConsumer(spec: Omit<JobConsumerSpec<Payload>, 'queue' | 'schema' | 'maxAttempts'> & { maxAttempts?: number }) {
  const queue = `test.job.${uniqueSuffix()}`;
  await consumeJob<Payload>(context, { queue, schema: payloadSchema, maxAttempts: 3, ...spec });
  const newJob = () => insertJob(context.pool, { type: queue });
  return { queue, newJob };
}

async function finished(jobId: string, timeoutMs = 15_000): Promise<JobSnapshot> {
  let job: JobSnapshot | null = null;
  await waitFor(`job ${jobId} to finish`, async () => {
    job = await findJob(context.pool, jobId);
    return job !== null && ['succeeded', 'failed'].includes(job.status);
  }, timeoutMs);
  return job!;
}

async function runsOf(queue: string): Promise<Record<string, number>> {
  const { values } = await context.metrics.jobAttempts.get();
  return Object.fromEntries(values.filter((value) => value.labels.type === queue).map((value) => [value.labels.outcome, value.value]));
}

async function finalsOf(queue: string): Promise<Record<string, number>> {
  const { values } = await context.metrics.jobs.get();
  return Object.fromEntries(values.filter((value) => value.labels.type === queue).map((value) => [value.labels.status, value.value]));
}

describe('consumeJob', () => {
  test('when a payload breaks its schema, then its job fails naming the field and the message is dead-lettered, never handled', async () => {
    // Arrange
    let handled = 0;
    const { queue, newJob } = await startConsumer({ handler: async () => { handled += 1; return { result: null }; } });
    const job = await newJob();

    // Act
    await context.broker.sendJob(queue, { jobId: job.id, count: 'three' });
    const failed = await finished(job.id);
    const dead = await raw.take(`${context.broker.name(queue)}.dead`);

    // Assert
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('count');
    expect(JSON.parse(dead.content.toString()).payload).toEqual({ jobId: job.id, count: 'three' });
    expect(handled).toBe(0);
    expect(await finalsOf(queue)).toEqual({ failed: 1 });
  });

  test('when a running job is delivered a second time, then the second delivery waits for the first and does not run it again', async () => {
    // Arrange
    let runs = 0;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => { release = resolve; });
    const { queue, newJob } = await startConsumer({
      prefetch: 2,
      handler: async (payload) => {
        runs += 1;
        await held;
        return { result: { counted: payload.count } };
      },
    });
    const job = await newJob();

    // Act
    await context.broker.sendJob(queue, { jobId: job.id, count: 1 });
    await waitFor('the first run', () => runs === 1);
    await context.broker.sendJob(queue, { jobId: job.id, count: 1 });
    await sleep(300);
    release();
    const done = await finished(job.id);
    await waitFor('the second delivery to be absorbed', async () => (await runsOf(queue)).skipped === 1);

    // Assert
    expect(runs).toBe(1);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, result: { counted: 1 } });
    expect(await runsOf(queue)).toEqual({ succeeded: 1, skipped: 1 });
  });

  test('when a run fails with a retryable error, then the job runs again and succeeds, and each run is counted', async () => {
    // Arrange
    let runs = 0;
    const { queue, newJob } = await startConsumer({
      handler: async () => {
        runs += 1;
        if (runs === 1) throw new Error('WeCom 暂时不可用');
        return { result: { ok: true }, message: '完成' };
      },
    });
    const job = await newJob();

    // Act
    await context.broker.sendJob(queue, { jobId: job.id, count: 2 });
    const done = await finished(job.id);
    // the run is counted once its outcome is stored
    await waitFor('the second run to be counted', async () => (await runsOf(queue)).succeeded === 1);

    // Assert
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, result: { ok: true }, message: '完成', error: null });
    expect(runs).toBe(2);
    expect(await runsOf(queue)).toEqual({ retried: 1, succeeded: 1 });
    expect(await finalsOf(queue)).toEqual({ succeeded: 1 });
  });

  test('when every run fails, then the last allowed attempt fails the job with the error as its reason', async () => {
    // Arrange
    let runs = 0;
    const cleaned: string[] = [];
    const { queue, newJob } = await startConsumer({
      maxAttempts: 2,
      onFailed: async (_payload, reason) => { cleaned.push(reason); },
      handler: async () => {
        runs += 1;
        throw new Error('企业微信接口超时');
      },
    });
    const job = await newJob();

    // Act
    await context.broker.sendJob(queue, { jobId: job.id, count: 2 });
    const failed = await finished(job.id);
    await sleep(1_500);

    // Assert
    expect(failed).toMatchObject({ status: 'failed', attempts: 2, error: '企业微信接口超时' });
    expect(runs).toBe(2);
    expect(cleaned).toEqual(['企业微信接口超时']);
    expect(await raw.messageCount(context.broker.name(queue))).toBe(0);
    expect(await runsOf(queue)).toEqual({ retried: 1, failed: 1 });
    expect(await finalsOf(queue)).toEqual({ failed: 1 });
  });

  test('when a handler says the input is at fault, then the job fails at once without another run', async () => {
    // Arrange
    let runs = 0;
    const { queue, newJob } = await startConsumer({
      handler: async () => {
        runs += 1;
        throw new JobInputError('文件不是 JSON');
      },
    });
    const job = await newJob();

    // Act
    await context.broker.sendJob(queue, { jobId: job.id, count: 1 });
    const failed = await finished(job.id);
    await sleep(1_500);

    // Assert
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: '文件不是 JSON' });
    expect(runs).toBe(1);
  });

  test('when every earlier run of a job stopped midway, then it is failed with the count instead of being run again', async () => {
    // Arrange
    let runs = 0;
    const { queue, newJob } = await startConsumer({ maxCrashes: 2, handler: async () => { runs += 1; return { result: null }; } });
    const job = await newJob();
    await markJobRunning(context.pool, job.id);
    await markJobRunning(context.pool, job.id);

    // Act
    await context.broker.sendJob(queue, { jobId: job.id, count: 1 });
    const failed = await finished(job.id);

    // Assert
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(failed.error).toContain('2');
    expect(runs).toBe(0);
  });

  test('when PostgreSQL goes away under the last allowed attempt, then the job is not failed: the message is kept and the job runs again', async () => {
    // Arrange
    let runs = 0;
    const { queue, newJob } = await startConsumer({
      maxAttempts: 1,
      handler: async () => {
        runs += 1;
        if (runs === 1) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        return { result: { ok: true } };
      },
    });
    const job = await newJob();

    // Act
    await context.broker.sendJob(queue, { jobId: job.id, count: 1 });
    const done = await finished(job.id);

    // Assert
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
    expect(runs).toBe(2);
  });
});
