// npm run bench:mapper -- [--messages 1000000] [--runs 30] [--keep]
// The mapper's list pages and stats on the demo school with a generated archive, and the original's query shape
// (a scan of the chat log per row with ANY(tolist)) for one page of the same ids, in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate, redactUrl } from '@doitcrm/db';
import { generateSchool, loadSchool, writeArchiveFile } from '@doitcrm/demo-data';
import { extractIds } from '../src/domain/extract-ids.ts';
import { readStats } from '../src/data-access/catalog-repository.ts';
import { listRoomMappings, listUserMappings } from '../src/data-access/mapping-list-repository.ts';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '30' }, keep: { type: 'boolean', default: false } } });
const messages = Number(values.messages);
const runs = Number(values.runs);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/doitcrm');
const benchDb = `doitcrm_bench_mapper_${Date.now()}`;
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${benchDb}`;

const line = (label: string, text: string) => console.log(`${label.padEnd(56)} ${text}`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function time(fn: () => Promise<unknown>, count: number): Promise<{ p50: number; p95: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function main(): Promise<void> {
  console.log(`mapper benchmark: ${messages} messages, ${redactUrl(benchUrl.toString())}`);
  await migrate({ databaseUrl: benchUrl.toString() });
  const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: 4 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-mapper-bench-'));
  try {
    const school = generateSchool();
    await loadSchool(pool, school);
    // only the school's staff, rooms and parents known so far: extraction must find the rest (silent members)
    const file = path.join(dir, 'archive.jsonl');
    await writeArchiveFile(file, { messages, school });
    const imported = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'services/etl/src/cli.ts'), 'import', file, '--json'],
      { env: { ...process.env, DATABASE_URL: benchUrl.toString(), AMQP_NAMESPACE: 'bench.' }, encoding: 'utf8' });
    if (imported.status !== 0) throw new Error(`import failed: ${imported.stderr}`);
    line('archive imported (not timed here)', imported.stdout.trim().split('\n').pop()!);

    let started = performance.now();
    const extraction = await extractIds(pool, { all: true }, { timezone: 'Asia/Shanghai' });
    line('extract every id + activity rollup (whole archive)', `${((performance.now() - started) / 1000).toFixed(1)} s, ${extraction.seenIds} ids, ${extraction.activityRows} activity rows`);
    await pool.query('ANALYZE');

    const { rows: [window] } = await pool.query<{ from: string; to: string; room: string }>(
      `SELECT (max(day) - 30)::text AS from, max(day)::text AS to,
              (SELECT room_id FROM crm.room_stats ORDER BY message_count DESC LIMIT 1) AS room FROM crm.identity_activity`);
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['users, first page (50)', () => listUserMappings(pool, { limit: 50 })],
      ['users, unmapped only', () => listUserMappings(pool, { limit: 50, state: 'unmapped' })],
      ['users, last 30 days', () => listUserMappings(pool, { limit: 50, from: window!.from, to: window!.to })],
      ['users, one group, last 30 days', () => listUserMappings(pool, { limit: 50, room: window!.room, from: window!.from, to: window!.to })],
      ['users, keyword', () => listUserMappings(pool, { limit: 50, keyword: '妈妈' })],
      ['rooms, first page', () => listRoomMappings(pool, { limit: 50 })],
      ['rooms, last 30 days', () => listRoomMappings(pool, { limit: 50, from: window!.from, to: window!.to })],
      ['stats', () => readStats(pool)],
    ];
    console.log(`\np50 / p95 over ${runs} runs (in-process, no HTTP):`);
    let worstP95 = 0;
    for (const [label, fn] of cases) {
      const result = await time(fn, runs);
      worstP95 = Math.max(worstP95, result.p95);
      line(label, `${result.p50.toFixed(1)} ms / ${result.p95.toFixed(1)} ms`);
    }

    // the original: per mapping row, the user's latest group message found by scanning the log with ANY(tolist)
    // one page's worth of ids drawn the way a full list meets them: most are quiet members, not the busiest few
    await pool.query('SELECT setseed(0.42)');
    const { rows: sample } = await pool.query<{ id: number }>("SELECT id FROM crm.identities WHERE id_type = 'user_id' ORDER BY random() LIMIT 50");
    const ids = sample.map((row) => row.id);
    const originalShape = () => pool.query(
      `SELECT i.original_id, last.room_id, last.msgtime FROM crm.identities i
       LEFT JOIN LATERAL (SELECT c.room_id, c.msgtime FROM chat.messages c
         WHERE c.room_id IS NOT NULL AND (c.from_id = i.original_id OR i.original_id = ANY(c.to_ids))
         ORDER BY c.msgtime DESC LIMIT 1) last ON true
       WHERE i.id = ANY($1::bigint[])`, [ids]);
    started = performance.now();
    await originalShape();
    const originalMs = performance.now() - started;
    const ours = await time(() => listUserMappings(pool, { limit: 50 }), runs);
    line('\noriginal query shape, 50 user rows', `${originalMs.toFixed(0)} ms (one run)`);
    console.log('\nResults (targets from the issue):');
    line('slowest list/stats p95', `${worstP95.toFixed(1)} ms (target ≤ 50) ${worstP95 <= 50 ? 'PASS' : 'MISS'}`);
    line('original shape / ours (a page of 50)', `${(originalMs / ours.p50).toFixed(0)}× (target ≥ 20) ${originalMs / ours.p50 >= 20 ? 'PASS' : 'MISS'}`);
  } finally {
    await pool.end();
    fs.rmSync(dir, { recursive: true, force: true });
    if (!values.keep) {
      const admin = new pg.Client({ connectionString: new URL('/postgres', serverUrl).toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
      await admin.end();
    } else console.log(`kept ${benchDb}`);
  }
}

await main();
