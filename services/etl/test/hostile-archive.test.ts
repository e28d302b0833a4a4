import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, useTestApp, waitFor, waitForJob } from '@doitcrm/kit/testing';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';
import { startImportConsumer } from '../src/entry-points/queue/import-consumer.ts';
import { buildTextRecord, manyTextRecords, toJsonl } from './archive-factory.ts';

const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-etl-hostile-'));
const MAX_LINE_KB = 1_024;
const MAX_DECOMPRESSED_MB = 24;

const t = useTestApp('etl', etlConfigShape, createEtlApp, {
  roles: ['staff'],
  env: { MAX_UPLOAD_MB: '1', UPLOAD_DIR: uploadDir, MAX_LINE_KB: String(MAX_LINE_KB), MAX_DECOMPRESSED_MB: String(MAX_DECOMPRESSED_MB) },
  prepare: startImportConsumer,
});
let server: http.Server;
beforeAll(async () => {
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  fs.rmSync(uploadDir, { recursive: true, force: true });
});

async function uploadAndWait(body: Buffer, name: string) {
  const upload = await supertest(t.app).post('/api/imports').set('Cookie', t.cookies.staff).attach('file', body, name);
  expect(upload.status, JSON.stringify(upload.body)).toBe(202);
  const job = await waitForJob({ app: t.app, cookie: t.cookies.staff }, upload.body.jobId, { intervalMs: 100 });
  const { rows } = await t.context.pool.query('SELECT id FROM chat.import_runs WHERE job_id = $1', [job.id]);
  return { job, runIds: rows.map((row) => Number(row.id)) };
}

async function storedMsgids(msgids: unknown[]): Promise<string[]> {
  const { rows } = await t.context.pool.query('SELECT msgid FROM chat.messages WHERE msgid = ANY($1) ORDER BY msgid', [msgids]);
  return rows.map((row) => row.msgid as string);
}

const uploadsOnDisk = () => fs.readdirSync(uploadDir).sort();
async function importJobCount(): Promise<number> {
  const { rows } = await t.context.pool.query("SELECT count(*)::int AS n FROM ops.jobs WHERE type = 'etl.import'");
  return rows[0].n;
}

describe('etl import of hostile files', () => {
  it('when one line is 20 MB without a newline for most of it, then it alone is quarantined with its line number and a bounded prefix, and the lines before and after load', async () => {
    const before = manyTextRecords(2);
    const after = manyTextRecords(2);
    const hostile = buildTextRecord({ text: { content: '长'.repeat(7_000_000) } });
    const body = gzipSync(toJsonl([...before, hostile, ...after]));

    const { job, runIds } = await uploadAndWait(body, '巨型行.jsonl.gz');
    const quarantine = await supertest(t.app).get(`/api/runs/${runIds[0]}/quarantine`).set('Cookie', t.cookies.staff);

    expect(body.length).toBeLessThan(1024 * 1024);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1, result: { lines: 5, inserted: 4, quarantined: 1 } });
    expect(await storedMsgids([...before, hostile, ...after].map((record) => record.msgid))).toEqual([...before, ...after].map((record) => record.msgid).sort());
    expect(quarantine.body.items).toHaveLength(1);
    const [item] = quarantine.body.items;
    expect(item.lineNo).toBe(3);
    expect(item.reason).toContain(`${MAX_LINE_KB} KB`);
    expect(item.reason).toContain('MAX_LINE_KB');
    expect(item.rawText).toContain(hostile.msgid);
    expect(item.rawText.length).toBeLessThan(8 * 1024);
  });

  it('when a gzip bomb of a few KB expands past the decompressed limit, then the job fails at once naming the file and the limit, keeping the lines before it', async () => {
    const before = manyTextRecords(3);
    const after = manyTextRecords(2);
    const bomb = gzipSync(Buffer.concat([
      Buffer.from(toJsonl(before)), Buffer.alloc((MAX_DECOMPRESSED_MB + 8) << 20, 0x20), Buffer.from(`\n${toJsonl(after)}`),
    ]), { level: 9 });

    const { job, runIds } = await uploadAndWait(bomb, '解压炸弹.jsonl.gz');

    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job.error).toContain('解压炸弹.jsonl.gz');
    expect(job.error).toContain(`${MAX_DECOMPRESSED_MB} MB`);
    expect(job.error).toMatch(/已导入并保留/);
    expect(job.error).toMatch(/were loaded and kept/);
    expect(await storedMsgids([...before, ...after].map((record) => record.msgid))).toEqual(before.map((record) => record.msgid).sort());
    const { rows: [run] } = await t.context.pool.query('SELECT status, inserted, error FROM chat.import_runs WHERE id = $1', [runIds[0]]);
    expect(run).toMatchObject({ status: 'failed', inserted: 3, error: job.error });
  });

  it('when a .gz is cut off in the middle, then the job fails on its first attempt naming the file, keeping what was readable', async () => {
    const records = manyTextRecords(3_000);
    const whole = gzipSync(toJsonl(records));

    const { job } = await uploadAndWait(whole.subarray(0, Math.floor(whole.length * 0.6)), '截断.jsonl.gz');

    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job.error).toContain('截断.jsonl.gz');
    expect(job.error).toMatch(/gzip/);
    const stored = await storedMsgids(records.map((record) => record.msgid));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(records.length);
  });

  it('when the client aborts mid-upload, then no file is left in UPLOAD_DIR and no job is created', async () => {
    const filesBefore = uploadsOnDisk();
    const jobsBefore = await importJobCount();
    const boundary = 'hostileboundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="半截.jsonl"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const request = http.request({
      host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/api/imports',
      headers: { Cookie: t.cookies.staff, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(900 * 1024) },
    });
    request.on('error', () => {});

    request.write(head);
    request.write(toJsonl(manyTextRecords(500)));
    await new Promise((resolve) => request.write('', resolve));
    await waitFor('the upload to reach the disk while it is received', () => uploadsOnDisk().length > filesBefore.length, 1_000);
    const whileReceiving = uploadsOnDisk();
    request.destroy();
    await sleep(500);

    expect(whileReceiving.length).toBe(filesBefore.length + 1);
    expect(uploadsOnDisk()).toEqual(filesBefore);
    expect(await importJobCount()).toBe(jobsBefore);
  });

  it('when the upload passes the size limit, then 413 and no file is left in UPLOAD_DIR and no job is created', async () => {
    const filesBefore = uploadsOnDisk();
    const jobsBefore = await importJobCount();

    const response = await supertest(t.app).post('/api/imports').set('Cookie', t.cookies.staff)
      .attach('file', Buffer.from(toJsonl(manyTextRecords(6_000))), 'big.jsonl');

    expect(response.status).toBe(413);
    expect(uploadsOnDisk()).toEqual(filesBefore);
    expect(await importJobCount()).toBe(jobsBefore);
  });
});
