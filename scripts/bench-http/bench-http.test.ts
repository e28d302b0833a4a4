// The harness end to end on a tiny dataset of its own: built, the services started, every call timed through HTTP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { dropDatabase, uniqueName } from '@doitcrm/kit/testing';
import { runBench } from './bench-http.ts';
import { ensureDataset } from './dataset.ts';

const database = uniqueName('doitcrm_bench_http_test');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-http-test-'));

afterAll(async () => {
  await dropDatabase(database);
  fs.rmSync(dir, { recursive: true, force: true });
});

it('when run on a small archive, then every page call is timed through HTTP with a session, beside the original, and the finished dataset is reused', { timeout: 180_000 }, async () => {
  const out = path.join(dir, 'results.json');
  const result = await runBench({ messages: 2000, database, runs: 3, seed: 7, out, originalTimeoutMs: 30_000, skipOriginal: false });

  expect(result.messages).toBeGreaterThanOrEqual(2000);
  expect(result.hello.callsPerSecond).toBeGreaterThan(0);
  const calls = new Set(result.rows.map((row) => row.call));
  for (const call of ['search, absent term', 'parent, last 30 days', 'group page, first page', 'dashboard class list',
    'dashboard class detail', 'mapper users, first page', 'mapper users, page 6', 'roster class list']) {
    expect(calls).toContain(call);
  }
  expect(result.rows.every((row) => row.timing.runs === 3 && row.timing.p50 > 0 && row.timing.p95 <= row.timing.max)).toBe(true);
  expect(result.rows.find((row) => row.call === 'dashboard class list')?.original).toMatchObject({ ms: expect.any(Number) });
  expect(result.table.split('\n')).toHaveLength(result.rows.length + 2);
  expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toMatchObject({ database, seed: 7, rows: expect.any(Array) });

  const again = await ensureDataset({ name: database, messages: 2000, log: () => {} });
  expect(again.reused).toBe(true);
});
