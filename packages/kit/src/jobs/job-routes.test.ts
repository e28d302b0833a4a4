import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { baseConfigShape } from '../config.ts';
import { createApp } from '../http/app.ts';
import { REDIS_URL, waitFor } from '../kit-test-helpers.ts';
import { useTestApp } from '../testing/test-app.ts';
import { uniqueSuffix } from '../testing/unique.ts';
import { jobChannel } from './job-progress.ts';
import { insertJob, type JobSnapshot } from './job-repository.ts';

/** This service owns `test.import` and the types made per test; `other.summarize` belongs to another service. */
const OWN = 'test.import';
const FOREIGN = 'other.summarize';
const listType = `test.list.${uniqueSuffix()}`;
const viewerListType = `test.viewer-list.${uniqueSuffix()}`;
const t = useTestApp('kit', baseConfigShape, (context) => createApp({
  service: 'kit', logger: context.logger, metrics: context.metrics, auth: context.auth, readiness: context.readiness,
  api: context.jobRoutes.routerFor([OWN, listType, viewerListType]), ownOrigins: context.config,
}), { roles: ['admin', 'staff', 'viewer'] });

let plain: Redis;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  plain = new Redis(REDIS_URL);
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  plain?.disconnect();
});

const reporterFor = (jobId: string) => t.context.jobReporter(jobId);
/** A job of this service started by the staff user, as a page's POST would make it. */
const staffJob = (type = OWN) => insertJob(t.context.pool, { type, createdBy: t.users.staff.id });

/** How many connections listen on the job's channel: the SSE route holds one subscription while a page watches. */
async function subscribers(jobId: string): Promise<number> {
  const [, count] = (await plain.call('PUBSUB', 'NUMSUB', jobChannel(t.context.config.REDIS_PREFIX, jobId))) as [string, number];
  return Number(count);
}

/** Reads `GET /api/jobs/:id/events` as a page would: the events as they arrive, and whether the server ended it. */
async function openEventStream(jobId: string, cookie = t.cookies.staff) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/jobs/${jobId}/events`, { signal: controller.signal, headers: { Cookie: cookie } });
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
    const job = await staffJob();
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
    const job = await staffJob();
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
    const job = await staffJob();
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
      const job = await staffJob();
      await reporterFor(job.id).start();
      return job;
    }));

    // Act: abort as soon as the headers are in, often before the route has subscribed
    for (const job of jobs) {
      const controller = new AbortController();
      await fetch(`${baseUrl}/api/jobs/${job.id}/events`, { signal: controller.signal, headers: { Cookie: t.cookies.staff } });
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
    const job = await supertest(t.app).get(`/api/jobs/${id}`).set('Cookie', t.cookies.staff);
    const events = await supertest(t.app).get(`/api/jobs/${id}/events`).set('Cookie', t.cookies.staff);

    // Assert
    for (const response of [job, events]) {
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.body).toEqual({ id: expect.any(String), name: 'NotFoundError', message: '没有这个任务' });
    }
  });

  test('when jobs are listed by type, then only that type comes back, newest first, and a bad limit answers 400 naming it', async () => {
    // Arrange
    const older = await insertJob(t.context.pool, { type: listType, createdBy: t.users.staff.id });
    const newer = await insertJob(t.context.pool, { type: listType, createdBy: t.users.staff.id });
    await staffJob(OWN);

    // Act
    const list = await supertest(t.app).get(`/api/jobs?type=${listType}`).set('Cookie', t.cookies.staff);
    const bad = await supertest(t.app).get('/api/jobs?limit=0').set('Cookie', t.cookies.staff);

    // Assert
    expect(list.body.items.map((item: JobSnapshot) => item.id)).toEqual([newer.id, older.id]);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'limit' })]);
  });

  test('when nobody is signed in, then the job routes answer 401', async () => {
    // Arrange
    const job = await staffJob();

    // Act
    const responses = await Promise.all([`/api/jobs?type=${OWN}`, `/api/jobs/${job.id}`, `/api/jobs/${job.id}/events`]
      .map((path) => supertest(t.app).get(path)));

    // Assert
    expect(responses.map((response) => response.status)).toEqual([401, 401, 401]);
  });
});

describe('job routes, played by a hostile user', () => {
  test('when a viewer lists the jobs of a type the service owns, then only the jobs they started come back; staff and admin see all', async () => {
    // Arrange
    const type = viewerListType;
    const others = await insertJob(t.context.pool, { type, createdBy: t.users.staff.id });
    const nobodys = await insertJob(t.context.pool, { type });
    const own = await insertJob(t.context.pool, { type, createdBy: t.users.viewer.id });

    // Act
    const asViewer = await supertest(t.app).get(`/api/jobs?type=${type}`).set('Cookie', t.cookies.viewer);
    const asViewerAllTypes = await supertest(t.app).get('/api/jobs?limit=100').set('Cookie', t.cookies.viewer);
    const asStaff = await supertest(t.app).get(`/api/jobs?type=${type}`).set('Cookie', t.cookies.staff);
    const asAdmin = await supertest(t.app).get(`/api/jobs?type=${type}`).set('Cookie', t.cookies.admin);

    // Assert
    expect(asViewer.status).toBe(200);
    expect(asViewer.body.items.map((item: JobSnapshot) => item.id)).toEqual([own.id]);
    expect(asViewerAllTypes.body.items.map((item: JobSnapshot) => item.createdBy)).toEqual(asViewerAllTypes.body.items.map(() => t.users.viewer.id));
    expect(asViewerAllTypes.body.items.map((item: JobSnapshot) => item.id)).toContain(own.id);
    for (const response of [asStaff, asAdmin]) {
      expect(response.body.items.map((item: JobSnapshot) => item.id)).toEqual([own.id, nobodys.id, others.id]);
    }
  });

  test('when a viewer asks for a job someone else started, then the job and its event stream answer 404 as if it did not exist; staff get it', async () => {
    // Arrange
    const job = await staffJob();
    await reporterFor(job.id).start();

    // Act
    const asViewer = await supertest(t.app).get(`/api/jobs/${job.id}`).set('Cookie', t.cookies.viewer);
    const streamAsViewer = await fetch(`${baseUrl}/api/jobs/${job.id}/events`, { headers: { Cookie: t.cookies.viewer } });
    const asStaff = await supertest(t.app).get(`/api/jobs/${job.id}`).set('Cookie', t.cookies.staff);
    const asAdmin = await supertest(t.app).get(`/api/jobs/${job.id}`).set('Cookie', t.cookies.admin);
    await reporterFor(job.id).succeed({ inserted: 1 });

    // Assert
    expect(asViewer.status).toBe(404);
    expect(asViewer.body).toEqual({ id: expect.any(String), name: 'NotFoundError', message: '没有这个任务' });
    expect(streamAsViewer.status).toBe(404);
    expect(streamAsViewer.headers.get('content-type')).toContain('application/json');
    expect(await streamAsViewer.text()).not.toContain(job.id);
    expect(await subscribers(job.id)).toBe(0);
    expect(asStaff.status).toBe(200);
    expect(asStaff.body).toMatchObject({ id: job.id, status: 'running' });
    expect(asAdmin.status).toBe(200);
  });

  test('when a viewer follows a job they started, then its stream runs to the end', async () => {
    // Arrange
    const job = await insertJob(t.context.pool, { type: OWN, createdBy: t.users.viewer.id });
    await reporterFor(job.id).start();
    await reporterFor(job.id).succeed({ inserted: 2 });

    // Act
    const stream = await openEventStream(job.id, t.cookies.viewer);
    await stream.reading;

    // Assert
    expect(stream.events).toEqual([expect.objectContaining({ id: job.id, status: 'succeeded', result: { inserted: 2 } })]);
  });

  test('when anyone asks this service for a job of a type it does not own, then list, job and stream answer 404 even to admin', async () => {
    // Arrange: a job of another service in the shared ops.jobs table
    const foreign = await insertJob(t.context.pool, { type: FOREIGN, createdBy: t.users.admin.id });
    await reporterFor(foreign.id).start();

    // Act
    const list = await supertest(t.app).get(`/api/jobs?type=${FOREIGN}`).set('Cookie', t.cookies.admin);
    const neverSeen = await supertest(t.app).get(`/api/jobs?type=no.such.${uniqueSuffix()}`).set('Cookie', t.cookies.admin);
    const allTypes = await supertest(t.app).get('/api/jobs?limit=100').set('Cookie', t.cookies.admin);
    const job = await supertest(t.app).get(`/api/jobs/${foreign.id}`).set('Cookie', t.cookies.admin);
    const stream = await fetch(`${baseUrl}/api/jobs/${foreign.id}/events`, { headers: { Cookie: t.cookies.admin } });
    await reporterFor(foreign.id).fail('测试结束');

    // Assert
    expect(list.status).toBe(404);
    expect(list.body.items).toBeUndefined();
    // an existing foreign type and a type nobody has are told apart only by their names
    expect(neverSeen.status).toBe(404);
    expect(Object.keys(list.body).sort()).toEqual(Object.keys(neverSeen.body).sort());
    expect(allTypes.body.items.map((item: JobSnapshot) => item.type)).not.toContain(FOREIGN);
    expect(job.status).toBe(404);
    expect(job.body.message).toBe('没有这个任务');
    expect(stream.status).toBe(404);
    expect(await stream.text()).not.toContain(foreign.id);
  });
});
