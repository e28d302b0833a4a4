import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPool, type Pool } from '../db.ts';
import { createErrorHandler } from '../http/error-handler.ts';
import { captureLogger, REDIS_URL, waitFor } from '../kit-test-helpers.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { uniqueSuffix } from '../testing/unique.ts';
import { jobChannel, JobReporter } from './job-progress.ts';
import { insertJob, type JobSnapshot } from './job-repository.ts';
import { createJobRoutes } from './job-routes.ts';

let database: TestDatabase;
let pool: Pool;
let redis: Redis;
let plain: Redis;
let routes: ReturnType<typeof createJobRoutes>;
let app: express.Express;
let server: http.Server;
let baseUrl: string;
const redisPrefix = `test:kit:${uniqueSuffix()}:`;
const { logger } = captureLogger();

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ databaseUrl: database.url });
  redis = new Redis(REDIS_URL, { keyPrefix: redisPrefix });
  plain = new Redis(REDIS_URL);
  routes = createJobRoutes({ pool, redis, redisPrefix, logger });
  app = express();
  app.use('/api', routes.router);
  app.use(createErrorHandler(logger));
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await routes?.close();
  plain?.disconnect();
  redis?.disconnect();
  await pool?.end();
  await database?.drop();
});

const reporterFor = (jobId: string) => new JobReporter({ pool, redis, redisPrefix, logger }, jobId);

/** How many connections listen on the job's channel: the SSE route holds one subscription while a page watches. */
async function subscribers(jobId: string): Promise<number> {
  const [, count] = (await plain.call('PUBSUB', 'NUMSUB', jobChannel(redisPrefix, jobId))) as [string, number];
  return Number(count);
}

/** Reads `GET /api/jobs/:id/events` as a page would: the events as they arrive, and whether the server ended it. */
async function openEventStream(jobId: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/jobs/${jobId}/events`, { signal: controller.signal });
  const events: JobSnapshot[] = [];
  let ended = false;
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body!.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (block.startsWith('event: job') && data) events.push(JSON.parse(data.slice('data: '.length)) as JobSnapshot);
      }
    }
    ended = true;
  })().catch(() => {});
  return { response, events, ended: () => ended, reading, abort: () => controller.abort() };
}

describe('job routes', () => {
  test('when a page watches a running job, then its progress streams live over SSE and the stream ends with the final snapshot', async () => {
    // Arrange
    const job = await insertJob(pool, { type: 'test.import' });
    const reporter = reporterFor(job.id);
    await reporter.start();

    // Act
    const stream = await openEventStream(job.id);
    await waitFor('the first snapshot', () => stream.events.length === 1);
    await waitFor('the route to subscribe', async () => (await subscribers(job.id)) === 1);
    await reporter.progress(3, 10, '第 3 行');
    await waitFor('progress 3 while the job runs', () => stream.events.some((event) => event.progressDone === 3));
    await new Promise((resolve) => setTimeout(resolve, 260));
    // within a second of the last database write: only Redis hears of it
    await reporter.progress(6, 10, '第 6 行');
    await waitFor('progress 6 while the job runs', () => stream.events.some((event) => event.progressDone === 6));
    await reporter.succeed({ inserted: 10 });
    await stream.reading;

    // Assert
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
    expect(stream.events[0]).toMatchObject({ id: job.id, status: 'running', progressDone: 0 });
    expect(stream.events.find((event) => event.progressDone === 6)).toMatchObject({ status: 'running', progressTotal: 10, message: '第 6 行' });
    expect(stream.events.at(-1)).toMatchObject({ id: job.id, status: 'succeeded', progressDone: 10, result: { inserted: 10 } });
    expect(stream.ended()).toBe(true);
    await waitFor('the subscription to end', async () => (await subscribers(job.id)) === 0);
  });

  test('when a finished job is watched, then the stream sends its final snapshot and ends at once', async () => {
    // Arrange
    const job = await insertJob(pool, { type: 'test.import' });
    await reporterFor(job.id).start();
    await reporterFor(job.id).fail('坏文件');

    // Act
    const stream = await openEventStream(job.id);
    await stream.reading;

    // Assert
    expect(stream.events).toEqual([expect.objectContaining({ id: job.id, status: 'failed', error: '坏文件' })]);
    expect(stream.ended()).toBe(true);
  });

  test('when the page goes away, then the route drops its subscription', async () => {
    // Arrange
    const job = await insertJob(pool, { type: 'test.import' });
    await reporterFor(job.id).start();
    const stream = await openEventStream(job.id);
    await waitFor('the route to subscribe', async () => (await subscribers(job.id)) === 1);

    // Act
    stream.abort();

    // Assert
    await waitFor('the subscription to end', async () => (await subscribers(job.id)) === 0);
  });

  test('when pages go away right after the first snapshot, while the route still sets up, then no subscription is left behind', async () => {
    // Arrange
    const jobs = await Promise.all(Array.from({ length: 10 }, async () => {
      const job = await insertJob(pool, { type: 'test.import' });
      await reporterFor(job.id).start();
      return job;
    }));

    // Act: abort as soon as the headers are in, often before the route has subscribed
    for (const job of jobs) {
      const controller = new AbortController();
      await fetch(`${baseUrl}/api/jobs/${job.id}/events`, { signal: controller.signal });
      controller.abort();
    }

    // Assert
    await waitFor('every subscription to end', async () => {
      const counts = await Promise.all(jobs.map((job) => subscribers(job.id)));
      return counts.every((count) => count === 0);
    }, 2_000);
  });

  test.each([
    ['an unknown job id', '00000000-0000-4000-8000-000000000000'],
    ['a garbage job id', 'not-a-job'],
  ])('when %s is asked for, then the job and its event stream answer 404 JSON', async (_case, id) => {
    // Act
    const job = await supertest(app).get(`/api/jobs/${id}`);
    const events = await supertest(app).get(`/api/jobs/${id}/events`);

    // Assert
    for (const response of [job, events]) {
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.body).toEqual({ id: expect.any(String), name: 'NotFoundError', message: '没有这个任务' });
    }
  });

  test('when jobs are listed by type, then only that type comes back, newest first, and a bad limit answers 400 naming it', async () => {
    // Arrange
    const type = `test.list.${uniqueSuffix()}`;
    const older = await insertJob(pool, { type });
    const newer = await insertJob(pool, { type });

    // Act
    const list = await supertest(app).get(`/api/jobs?type=${type}`);
    const bad = await supertest(app).get('/api/jobs?limit=0');

    // Assert
    expect(list.body.items.map((item: JobSnapshot) => item.id)).toEqual([newer.id, older.id]);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'limit' })]);
  });
});
