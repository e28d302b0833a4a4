import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemActor, type Actor } from '../auth/actor.ts';
import type { Broker } from '../broker.ts';
import { baseConfigShape, type BaseConfig } from '../config.ts';
import { UnavailableError } from '../errors.ts';
import { openRawAmqp, type RawAmqp } from '../kit-test-helpers.ts';
import type { ServiceContext } from '../service.ts';
import { createTestService, type TestService } from '../testing/service-harness.ts';
import { uniqueSuffix } from '../testing/unique.ts';
import { findJob } from './job-repository.ts';
import { JOB_NOT_QUEUED, submitJob } from './submit-job.ts';

let service: TestService<BaseConfig>;
let context: ServiceContext;
let raw: RawAmqp;

beforeAll(async () => {
  service = await createTestService('kit-submit', baseConfigShape);
  context = service.context;
  raw = await openRawAmqp();
  // a table of the test's own stands for a feature's row written with its job (a summary, say)
  await context.pool.query('CREATE TABLE public.submit_records (id serial PRIMARY KEY, job_id uuid NOT NULL, status text NOT NULL)');
});
afterAll(async () => {
  await raw?.close();
  await service?.cleanup();
});

const actor: Actor = { userId: null, username: 'teacher.wang', role: 'staff', ip: '10.0.0.7', userAgent: 'vitest' };

async function auditRows(jobId: string) {
  const { rows } = await context.pool.query('SELECT action, target_type, target_id, username, ip, details FROM auth.audit_log WHERE target_id = $1', [jobId]);
  return rows;
}

async function recordsOf(jobId: string) {
  const { rows } = await context.pool.query('SELECT status FROM public.submit_records WHERE job_id = $1', [jobId]);
  return rows;
}

const insertRecord = async (client: { query: typeof context.pool.query }, jobId: string): Promise<number> =>
  (await client.query<{ id: number }>("INSERT INTO public.submit_records (job_id, status) VALUES ($1, 'queued') RETURNING id", [jobId])).rows[0]!.id;

describe('submitJob', () => {
  test('when a job is submitted, then its row, its audit row and the caller\'s record are written and its checked payload is on the queue', async () => {
    // Arrange
    const marker = uniqueSuffix();

    // Act
    const { job, record } = await submitJob(context, {
      type: 'mapper.extract', params: { marker }, actor,
      audit: { service: 'kit-test', action: 'mapper.extract.start', details: { marker } },
      within: (client, created) => insertRecord(client, created.id),
      payload: ({ jobId, userId }) => ({ jobId, userId }),
    });
    const message = await raw.take(context.broker.name('mapper.extract'));

    // Assert
    expect(await findJob(context.pool, job.id)).toMatchObject({ type: 'mapper.extract', status: 'queued', params: { marker }, createdBy: null });
    expect(await auditRows(job.id)).toEqual([{
      action: 'mapper.extract.start', target_type: 'job', target_id: job.id, username: 'teacher.wang', ip: '10.0.0.7', details: { marker },
    }]);
    expect(record).toEqual(expect.any(Number));
    expect(await recordsOf(job.id)).toEqual([{ status: 'queued' }]);
    expect(JSON.parse(message.content.toString())).toMatchObject({ type: 'mapper.extract', payload: { jobId: job.id, userId: null } });
  });

  test('when the payload breaks its queue\'s schema, then nothing is written and nothing is sent', async () => {
    // Arrange
    const sent: unknown[] = [];
    const broker = { sendJob: async (queue: string, payload: unknown) => { sent.push(payload); } } as unknown as Broker;
    let jobId = '';

    // Act
    const attempt = submitJob({ pool: context.pool, broker }, {
      type: 'mapper.extract', actor: systemActor('test'),
      audit: { service: 'kit-test', action: 'mapper.extract.start' },
      within: async (client, created) => { jobId = created.id; return insertRecord(client, created.id); },
      payload: ({ jobId: id }) => ({ jobId: id, userId: -1 }),
    });

    // Assert
    await expect(attempt).rejects.toThrow(/userId/);
    expect(jobId).not.toBe('');
    expect(await findJob(context.pool, jobId)).toBeNull();
    expect(await auditRows(jobId)).toEqual([]);
    expect(await recordsOf(jobId)).toEqual([]);
    expect(sent).toEqual([]);
  });

  test('when RabbitMQ does not take the message, then the job and the caller\'s record are failed saying so and the caller gets a 503', async () => {
    // Arrange
    const broker = { sendJob: () => Promise.reject(new Error('connection refused')) } as unknown as Broker;
    let jobId = '';

    // Act
    const attempt = submitJob({ pool: context.pool, broker }, {
      type: 'mapper.extract', createdBy: null,
      within: async (client, created) => { jobId = created.id; return insertRecord(client, created.id); },
      payload: ({ jobId: id, userId }) => ({ jobId: id, userId }),
      onUnqueued: async (id, reason) => { await context.pool.query('UPDATE public.submit_records SET status = $2 WHERE id = $1', [id, `failed: ${reason}`]); },
    });

    // Assert
    const error = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).status).toBe(503);
    expect(await findJob(context.pool, jobId)).toMatchObject({ status: 'failed', error: JOB_NOT_QUEUED });
    expect(await recordsOf(jobId)).toEqual([{ status: `failed: ${JOB_NOT_QUEUED}` }]);
  });
});
