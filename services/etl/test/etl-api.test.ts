import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import amqplib from 'amqplib';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_EXCHANGE } from '@doitcrm/types';
import { sleep, useTestApp, waitForJob } from '@doitcrm/kit/testing';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';
import { startImportConsumer } from '../src/entry-points/queue/import-consumer.ts';
import { buildTextRecord, manyTextRecords, toJsonl } from './archive-factory.ts';

let events: { received: Array<Record<string, unknown>>; close: () => Promise<void> };

async function listenForEvents(namespace: string, routingKey: string) {
  const connection = await amqplib.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, `${namespace}${EVENTS_EXCHANGE}`, routingKey);
  const received: Array<Record<string, unknown>> = [];
  await channel.consume(queue, (message) => {
    if (message) received.push(JSON.parse(message.content.toString()) as Record<string, unknown>);
  }, { noAck: true });
  return { received, close: () => connection.close() };
}

const finished = (jobId: string) => waitForJob({ app: t.app, cookie: t.cookies.staff }, jobId, { timeoutMs: 30_000, intervalMs: 100 });

const t = useTestApp('etl', etlConfigShape, createEtlApp, {
  roles: ['staff', 'viewer'],
  env: () => ({ MAX_UPLOAD_MB: '1', UPLOAD_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-etl-uploads-')) }),
  prepare: startImportConsumer,
});
beforeAll(async () => {
  events = await listenForEvents(t.context.config.AMQP_NAMESPACE, 'chat.ingested');
});
afterAll(async () => {
  await events?.close();
});

describe('etl HTTP API', () => {
  it.each([
    ['get', '/api/stats'], ['get', '/api/runs'], ['get', '/api/runs/1'], ['get', '/api/runs/1/quarantine'],
    ['get', '/api/runs/1/quarantine.jsonl'], ['get', '/api/config'], ['post', '/api/imports'],
    ['get', '/api/jobs/00000000-0000-4000-8000-000000000000'], ['get', '/api/auth/me'],
  ] as const)('when %s %s is called without a session, then it answers 401', async (method, url) => {
    const response = await supertest(t.app)[method](url);

    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ name: 'UnauthorizedError', message: expect.any(String), id: expect.any(String) });
  });

  it('when health and readiness are asked without a session, then they answer (the broker, database and Redis are up)', async () => {
    const health = await supertest(t.app).get('/healthz');
    const ready = await supertest(t.app).get('/readyz');

    expect(health.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(ready.body.checks.map((check: { name: string }) => check.name)).toEqual(['postgres', 'redis', 'rabbitmq']);
  });

  it('when a staff user uploads an archive, then the job imports it with progress, the run and its quarantine are listed, and chat.ingested is published', async () => {
    const records = manyTextRecords(30);
    const body = toJsonl([...records.slice(0, 10), '{broken json', ...records.slice(10)]);

    const upload = await supertest(t.app).post('/api/imports').set('Cookie', t.cookies.staff)
      .field('conflict', 'skip').attach('file', Buffer.from(body), '班级群导出.jsonl');
    const job = await finished(upload.body.jobId);
    const runs = await supertest(t.app).get('/api/runs?limit=5').set('Cookie', t.cookies.staff);
    const run = runs.body.items.find((item: { jobId: string }) => item.jobId === upload.body.jobId);
    const quarantine = await supertest(t.app).get(`/api/runs/${run.id}/quarantine`).set('Cookie', t.cookies.staff);
    const download = await supertest(t.app).get(`/api/runs/${run.id}/quarantine.jsonl`).set('Cookie', t.cookies.staff);
    await sleep(300);

    expect(upload.status).toBe(202);
    expect(job).toMatchObject({ status: 'succeeded', result: { lines: 31, inserted: 30, quarantined: 1 } });
    expect(run).toMatchObject({ source: '班级群导出.jsonl', origin: 'upload', status: 'succeeded', inserted: 30, quarantined: 1, startedByName: '测试staff' });
    expect(quarantine.body.items).toEqual([{ lineNo: 11, reason: expect.stringMatching(/not valid JSON/), rawText: '{broken json' }]);
    expect(download.headers['content-disposition']).toContain('attachment');
    expect(download.text).toBe('{broken json\n');
    expect(events.received.find((event) => (event.payload as { runId: number }).runId === run.id)).toMatchObject({
      type: 'chat.ingested', payload: { runId: run.id, inserted: 30, updated: 0 },
    });
    const { rows } = await t.context.pool.query("SELECT count(*)::int AS n FROM auth.audit_log WHERE action = 'etl.import.upload' AND target_id = $1", [upload.body.jobId]);
    expect(rows[0].n).toBe(1);
    const { rows: looks } = await t.context.pool.query(
      "SELECT action FROM auth.audit_log WHERE target_type = 'import_run' AND target_id = $1 ORDER BY id", [String(run.id)]);
    expect(looks.map((row) => row.action)).toEqual(['etl.quarantine.view', 'etl.quarantine.download']);
  });

  it('when a finished job\'s event stream is opened, then it sends the final snapshot and ends', async () => {
    const upload = await supertest(t.app).post('/api/imports').set('Cookie', t.cookies.staff).attach('file', Buffer.from(toJsonl([buildTextRecord()])), 'one.jsonl');
    await finished(upload.body.jobId);

    const stream = await supertest(t.app).get(`/api/jobs/${upload.body.jobId}/events`).set('Cookie', t.cookies.staff);

    expect(stream.headers['content-type']).toContain('text/event-stream');
    expect(stream.text).toContain('event: job');
    expect(JSON.parse(stream.text.split('data: ')[1]!.split('\n')[0]!)).toMatchObject({ status: 'succeeded', result: { inserted: 1 } });
  });

  it('when records carry seq with a hole, then stats show the high-water mark and the missing range, not the quarantined line', async () => {
    const quarantinedButPresent = JSON.stringify({ msgid: 'no-type', seq: 1_000_011, action: 'send', msgtime: 1704100000000 });
    const file = toJsonl([...manyTextRecords(10, 1_000_001), quarantinedButPresent, ...manyTextRecords(6, 1_000_015)]);
    const upload = await supertest(t.app).post('/api/imports').set('Cookie', t.cookies.staff).attach('file', Buffer.from(file), 'seq.jsonl');
    await finished(upload.body.jobId);

    const stats = await supertest(t.app).get('/api/stats').set('Cookie', t.cookies.staff);

    expect(stats.body.seq).toMatchObject({ max: 1_000_020, gapCount: 1, missingTotal: 3, gaps: [{ from: 1_000_012, to: 1_000_014, missing: 3 }] });
    expect(stats.body.totalMessages).toBeGreaterThanOrEqual(16);
    expect(stats.body.lastRun).toMatchObject({ source: 'seq.jsonl' });
  });

  it('when the file is larger than the limit, then 413 says the limit and nothing is queued', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 'x');

    const response = await supertest(t.app).post('/api/imports').set('Cookie', t.cookies.staff).attach('file', big, 'big.jsonl');

    expect(response.status).toBe(413);
    expect(response.body.message).toContain('1 MB');
  });

  it('when the file is not JSONL, then 400 names the file and line', async () => {
    const response = await supertest(t.app).post('/api/imports').set('Cookie', t.cookies.staff).attach('file', Buffer.from('学员姓名,班级\n张三,小熊1班\n'), 'roster.csv');

    expect(response.status).toBe(400);
    expect(response.body.details[0]).toMatchObject({ field: 'file', file: 'roster.csv', line: 1 });
  });

  it('when the conflict field is not skip or update, then 400 names the field', async () => {
    const response = await supertest(t.app).post('/api/imports').set('Cookie', t.cookies.staff)
      .field('conflict', 'merge').attach('file', Buffer.from(toJsonl([buildTextRecord()])), 'a.jsonl');

    expect(response.status).toBe(400);
    expect(response.body.details[0].field).toBe('conflict');
  });

  it('when a viewer uploads or asks for quarantined lines (chat content), then 403', async () => {
    const upload = await supertest(t.app).post('/api/imports').set('Cookie', t.cookies.viewer).attach('file', Buffer.from(toJsonl([buildTextRecord()])), 'a.jsonl');
    const lines = await supertest(t.app).get('/api/runs/1/quarantine').set('Cookie', t.cookies.viewer);
    const download = await supertest(t.app).get('/api/runs/1/quarantine.jsonl').set('Cookie', t.cookies.viewer);

    expect([upload.status, lines.status, download.status]).toEqual([403, 403, 403]);
  });

  it('when a query parameter is malformed, then 400 names it', async () => {
    const response = await supertest(t.app).get('/api/runs?limit=lots').set('Cookie', t.cookies.viewer);

    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([expect.objectContaining({ field: 'limit' })]);
  });

  it('when metrics are scraped, then HTTP latency per route and queue outcomes are there', async () => {
    const response = await supertest(t.app).get('/metrics');

    expect(response.status).toBe(200);
    expect(response.text).toContain('http_request_duration_seconds_bucket');
    expect(response.text).toMatch(/queue_messages_total\{[^}]*queue="etl.import"[^}]*outcome="acked"/);
  });
});
