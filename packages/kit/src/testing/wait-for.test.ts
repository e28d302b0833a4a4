import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPool, type Pool } from '../db.ts';
import { finishJob, insertJob, markJobRunning, updateJobProgress, type JobSnapshot } from '../jobs/job-repository.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { sleep, waitFor, waitForJob } from './wait-for.ts';

describe('waitFor', () => {
  test('when the probe turns truthy, then waitFor returns that value', async () => {
    let calls = 0;
    const value = await waitFor('the third call', () => (++calls >= 3 ? { calls } : null), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  test('when until is given, then waitFor returns the first value it accepts, falsy or not', async () => {
    let count = 3;
    expect(await waitFor('the count to reach zero', () => --count, { intervalMs: 1, until: (n) => n === 0 })).toBe(0);
  });

  test('when the time runs out, then the error names what was awaited and the last value seen', async () => {
    let calls = 0;
    const waiting = waitFor('the job to finish', () => ({ status: 'running', calls: ++calls }), { timeoutMs: 50, intervalMs: 5, until: (job) => job.status === 'done' });
    await expect(waiting).rejects.toThrow(/^timed out after 50 ms waiting for the job to finish; last value seen: \{ status: 'running', calls: \d+ \}$/);
  });

  test('when a number is the third argument, then it is the timeout', async () => {
    const started = Date.now();
    await expect(waitFor('never', () => false, 30)).rejects.toThrow('timed out after 30 ms waiting for never; last value seen: false');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('waitForJob', () => {
  let database: TestDatabase;
  let pool: Pool;
  const jobs = new Map<string, JobSnapshot>();
  const app = express().get('/api/jobs/:id', (req, res) => {
    const job = req.get('cookie') === 'session=staff' ? jobs.get(req.params.id) : undefined;
    if (job) res.json(job);
    else res.status(404).json({ message: 'not found' });
  });
  const server = app.listen(0, '127.0.0.1');

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool({ databaseUrl: database.url });
  });
  afterAll(async () => {
    server.close();
    await pool?.end();
    await database?.drop();
  });

  test('when the job in the table fails, then waitForJob returns its failed snapshot', async () => {
    const job = await insertJob(pool, { type: 'test.wait' });
    const finishing = sleep(60).then(() => finishJob(pool, job.id, { status: 'failed', error: 'bad file' }));
    const final = await waitForJob({ pool }, job.id, { intervalMs: 10 });
    await finishing;
    expect(final).toMatchObject({ id: job.id, status: 'failed', error: 'bad file' });
  });

  test('when a predicate is given, then waitForJob stops at the first snapshot it accepts and shows every one read', async () => {
    const job = await insertJob(pool, { type: 'test.wait' });
    await markJobRunning(pool, job.id);
    const progressing = sleep(60).then(() => updateJobProgress(pool, job.id, { done: 5, total: 10, message: null }));
    const seen: string[] = [];
    const halfway = await waitForJob({ pool }, job.id, { intervalMs: 10, until: (snapshot) => snapshot.progressDone === 5, onSnapshot: (snapshot) => seen.push(snapshot.status) });
    await progressing;
    expect(halfway).toMatchObject({ status: 'running', progressDone: 5 });
    expect(seen.length).toBeGreaterThan(1);
  });

  test('when the job API answers 404 for a while, then waitForJob keeps asking until the job shows and ends', async () => {
    const id = 'job-over-http';
    setTimeout(() => jobs.set(id, { id, status: 'running' } as JobSnapshot), 30);
    setTimeout(() => jobs.set(id, { id, status: 'succeeded' } as JobSnapshot), 80);
    const { port } = server.address() as AddressInfo;
    expect(await waitForJob({ app, cookie: 'session=staff' }, id, { intervalMs: 10 })).toMatchObject({ status: 'succeeded' });
    expect(await waitForJob({ baseUrl: `http://127.0.0.1:${port}`, cookie: 'session=staff' }, id, { intervalMs: 10 })).toMatchObject({ status: 'succeeded' });
  });

  test('when the job never ends, then the error names the job and its last snapshot', async () => {
    const job = await insertJob(pool, { type: 'test.wait' });
    await expect(waitForJob({ pool }, job.id, { timeoutMs: 40, intervalMs: 10 })).rejects.toThrow(new RegExp(`waiting for job ${job.id}; last value seen: .*status: 'queued'`));
  });
});
