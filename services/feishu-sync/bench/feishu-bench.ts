// npm run bench:feishu -- [--rows 10000] [--students 3000] [--existing 50000] [--write-ms 50] [--keep]
// The feishu-sync service against the Bitable fake with Feishu-like limits (spec external-apis.md §2: 500 records a
// write, one write at a time per table, calls per second per API): a first sync of `rows` rows into empty tables,
// its calls against the least it could make and its wall time against what the fake's limits allow for those calls
// (anchor.ts), a re-run of the same file (0 writes, counted in the fake), then a dry run of the same file against a
// base of `existing` learning records. In-process: the service's own domain functions, its real PostgreSQL schema
// (a bench database, dropped at the end unless --keep), Redis for the rate budget and the write lock, the fake over HTTP.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { migrate, redactUrl } from '@doitcrm/db';
import { createLogger, createPool, createRedis, type Pool, type Redis } from '@doitcrm/kit';
import { benchDatabase } from '@doitcrm/kit/testing';
import { loadFeishuSyncConfig } from '../src/config.ts';
import { insertRun } from '../src/data-access/run-repository.ts';
import { acceptUpload } from '../src/domain/accept-upload.ts';
import { dryRun } from '../src/domain/dry-run.ts';
import { feishuConnectionFromConfig, type FeishuConnection } from '../src/domain/feishu-connection.ts';
import { runSync } from '../src/domain/run-sync.ts';
import { BENCH_CALLS_PER_SECOND, busiestApiMs, rateAnchorMs, type EndpointCalls } from './anchor.ts';
import { benchExport, type SeededBase } from './bench-data.ts';
import { startFakeProcess, type FakeProcess } from './fake-process.ts';

export interface FeishuBenchOptions {
  rows: number;
  students: number;
  /** learning records in the base the dry run reads */
  existing: number;
  /** how long each write holds its table in the fake */
  writeMs: number;
}

export const DEFAULT_OPTIONS: FeishuBenchOptions = { rows: 10_000, students: 3_000, existing: 50_000, writeMs: 50 };
const BATCH = 500;

export interface FeishuBenchResult {
  firstSync: {
    ms: number; /** CPU time of the service's code (this process; the fake runs in its own) during the sync */ cpuMs: number;
    calls: number; byEndpoint: EndpointCalls; minimum: number; rateLimited: number; anchorMs: number; ratio: number;
    /** the busiest API's calls alone at its ceiling: a bound no overlap beats */
    floorMs: number;
    studentsCreated: number; recordsCreated: number; recordsInFake: number; studentsInFake: number;
  };
  rerun: { ms: number; calls: number; writes: number; recordsSkipped: number };
  dryRun: { ms: number; calls: number; byEndpoint: EndpointCalls; pages: number; seeded: SeededBase; counts: Record<string, number> };
  markdown: string;
}

const logger = createLogger({ service: 'feishu-bench', level: 'warn' });
const sum = (calls: EndpointCalls) => Object.values(calls).reduce((total, n) => total + n, 0);
const writes = (calls: EndpointCalls) => ['records_batch_create', 'records_batch_update', 'records_batch_delete'].reduce((total, e) => total + (calls[e] ?? 0), 0);

/** A fresh fake in its own process, and the service's connection to it; calls are counted in the fake. */
async function withFake<T>(writeMs: number, use: (fake: FakeProcess, connection: FeishuConnection) => Promise<T>, redis: Redis): Promise<T> {
  const fake = await startFakeProcess({ writeLatencyMs: writeMs, callsPerSecond: BENCH_CALLS_PER_SECOND });
  try {
    const { identity: f } = fake;
    const config = loadFeishuSyncConfig({
      ...process.env, FEISHU_BASE_URL: f.url, FEISHU_APP_ID: f.appId, FEISHU_APP_SECRET: f.appSecret, FEISHU_APP_TOKEN: f.appToken,
      FEISHU_STUDENTS_TABLE_ID: f.studentsTableId, FEISHU_RECORDS_TABLE_ID: f.recordsTableId,
      FEISHU_SYNC_PAGE_SIZE: '500', FEISHU_SYNC_BATCH_SIZE: String(BATCH),
    });
    return await use(fake, feishuConnectionFromConfig(config, { redis, logger })!);
  } finally {
    await fake.close();
  }
}

/** The three measurements on a pool whose database has the feishu schema (a bench database, or a test's). */
export async function runFeishuBench(options: FeishuBenchOptions, deps: { pool: Pool; redis: Redis; log?: (line: string) => void }): Promise<FeishuBenchResult> {
  const log = deps.log ?? ((line: string) => console.log(line));
  const { pool } = deps;
  const upload = await acceptUpload(pool, { bytes: benchExport(options.rows, options.students), fileName: 'bench.csv', userId: null }, 50);
  if (upload.validRows !== options.rows) throw new Error(`the bench export lost rows: ${upload.validRows} of ${options.rows} valid`);

  const { firstSync, rerun } = await withFake(options.writeMs, async (fake, connection) => {
    const sync = async () => {
      const run = await insertRun(pool, { uploadId: upload.uploadId, jobId: null, createdBy: null });
      await fake.clearCalls();
      const started = performance.now();
      const cpu = process.cpuUsage();
      const counters = await runSync({ pool, client: connection.newClient(), tables: connection.tables, logger, batchSize: BATCH }, run.id);
      const used = process.cpuUsage(cpu);
      const ms = Math.round(performance.now() - started);
      return { ms, cpuMs: Math.round((used.user + used.system) / 1000), counters, fake: await fake.counts() };
    };
    // a running service spent from its rate budget long before this sync; the budget's first use under a Redis prefix
    // counts the second before it as full (packages/limits: Redis may have lost its counts), which is not the sync's
    await connection.newClient().listFields(connection.tables.students);
    const first = await sync();
    const again = await sync();
    // one search page per (empty) table, the creates in batches, the students' link cells written back (the
    // demo base's links are one-way, so the sync writes both sides), and one token
    const minimum = 2 + Math.ceil(options.students / BATCH) + Math.ceil(options.rows / BATCH) + Math.ceil(options.students / BATCH) + 1;
    const anchorMs = rateAnchorMs(first.fake.calls, BENCH_CALLS_PER_SECOND, options.writeMs);
    const floorMs = busiestApiMs(first.fake.calls, BENCH_CALLS_PER_SECOND, options.writeMs);
    return {
      firstSync: {
        ms: first.ms, cpuMs: first.cpuMs, calls: sum(first.fake.calls), byEndpoint: first.fake.calls, minimum, rateLimited: first.fake.rateLimited,
        anchorMs, ratio: first.ms / anchorMs, floorMs, studentsCreated: first.counters.studentsCreated ?? 0, recordsCreated: first.counters.recordsCreated ?? 0,
        recordsInFake: first.fake.records, studentsInFake: first.fake.students,
      },
      rerun: { ms: again.ms, calls: sum(again.fake.calls), writes: writes(again.fake.calls), recordsSkipped: again.counters.recordsSkipped ?? 0 },
    };
  }, deps.redis);
  log(`first sync: ${firstSync.calls} calls ${JSON.stringify(firstSync.byEndpoint)} in ${firstSync.ms} ms (anchor ${firstSync.anchorMs} ms)`);

  const dry = await withFake(options.writeMs, async (fake, connection) => {
    const seeded = await fake.seed(options.existing, options);
    await fake.clearCalls();
    const started = performance.now();
    const answer = await dryRun(pool, connection, upload.uploadId, BATCH);
    const ms = Math.round(performance.now() - started);
    const { calls } = await fake.counts();
    return { ms, calls: sum(calls), byEndpoint: calls, pages: answer.reads.pages, seeded, counts: answer.counts };
  }, deps.redis);
  log(`dry run: ${dry.calls} calls ${JSON.stringify(dry.byEndpoint)} in ${dry.ms} ms`);

  return { firstSync, rerun, dryRun: dry, markdown: report(options, firstSync, rerun, dry) };
}

function report(options: FeishuBenchOptions, first: FeishuBenchResult['firstSync'], rerun: FeishuBenchResult['rerun'], dry: FeishuBenchResult['dryRun']): string {
  const mark = (ok: boolean) => (ok ? '✓ met' : '✗ missed');
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const load = os.loadavg().map((n) => n.toFixed(2)).join(' ');
  const rows = [
    ['first sync into empty tables: API calls', `${first.calls} (least possible ${first.minimum}; ${first.rateLimited} answered 429)`, '≤ 60', mark(first.calls <= 60)],
    ['first sync: wall time vs what the limits allow', `${s(first.ms)} / ${s(first.anchorMs)} = ${first.ratio.toFixed(2)}× (busiest API alone ${s(first.floorMs)}: ${(first.ms / first.floorMs).toFixed(2)}×; service CPU ${s(first.cpuMs)})`, '≤ 1.25×', mark(first.ratio <= 1.25)],
    ['re-run of the same file: writes (counted in the fake)', `${rerun.writes} (${rerun.calls} calls, ${s(rerun.ms)})`, '0', mark(rerun.writes === 0)],
    [`dry run of ${options.rows} rows against ${dry.seeded.records} records (+ ${dry.seeded.students} students)`, `${s(dry.ms)}, ${dry.calls} calls (${dry.pages} pages)`, '≤ 10 s', mark(dry.ms <= 10_000)],
  ];
  return [
    `Feishu sync bench: ${options.rows} rows, ${options.students} students; fake limits ${JSON.stringify(BENCH_CALLS_PER_SECOND)} calls/s, `
      + `each write holds its table ${options.writeMs} ms; ${os.cpus().length} cores, load average ${load}`,
    '',
    '| measure | measured | goal | |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `first sync calls: ${JSON.stringify(first.byEndpoint)}; dry run calls: ${JSON.stringify(dry.byEndpoint)}; `
      + `dry run found ${JSON.stringify(dry.counts)}`,
  ].join('\n');
}

function parseOptions(argv: string[]): FeishuBenchOptions & { keep: boolean } {
  const d = DEFAULT_OPTIONS;
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: String(d.rows) }, students: { type: 'string', default: String(d.students) },
      existing: { type: 'string', default: String(d.existing) }, 'write-ms': { type: 'string', default: String(d.writeMs) },
      keep: { type: 'boolean', default: false },
    },
  });
  const whole = (name: string, text: string, min: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got ${text})`);
    return n;
  };
  const students = whole('students', values.students, 1);
  return {
    rows: whole('rows', values.rows, students), students, existing: whole('existing', values.existing, 1),
    writeMs: whole('write-ms', values['write-ms'], 0), keep: values.keep,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const db = benchDatabase('feishu', { keep: options.keep });
  console.log(`database ${redactUrl(db.url)}`);
  await migrate({ databaseUrl: db.url });
  const pool = createPool({ databaseUrl: db.url, max: 4, applicationName: 'feishu-bench' });
  const redis = createRedis({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: `doitcrm-bench-feishu:${process.pid}:` });
  try {
    const result = await runFeishuBench(options, { pool, redis });
    console.log(`\n${result.markdown}`);
  } finally {
    await pool.end();
    redis.disconnect();
    await db.finish();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await main();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  }
}
