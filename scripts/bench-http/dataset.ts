// The benchmark dataset: the demo school, a generated archive imported with the ETL CLI as production does, the
// mapper's id extraction and the dashboard's rollups, in a database named for its size. A marker table written last
// tells a finished build from one that died half-way, so a half-built database is never reused.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate } from '@doitcrm/db';
import { generateSchool, loadSchool, writeArchiveFile } from '@doitcrm/demo-data';
import { dropDatabase, serverUrl, withAdmin } from '@doitcrm/kit/testing';
import { extractWholeArchive } from '../../services/mapper/src/domain/extract-ids.ts';
import { evaluateAlerts } from '../../services/dashboard/src/domain/evaluate-alerts.ts';
import { refreshRollups } from '../../services/dashboard/src/domain/refresh-rollups.ts';
import { decideDataset, type DatasetMarker } from './marker.ts';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const timezone = 'Asia/Shanghai';
/** relatives and trial-lesson families who sit in groups and never write, as the demo has them (scripts/demo-setup.ts) */
const silentMembers = 300;
const MARKER_TABLE = 'public.bench_dataset_built';

export interface BuildStep { step: string; seconds: number; detail?: string }
export interface DatasetSizes { databaseBytes: number; messagesTableBytes: number; messagesIndexBytes: number }
export interface Dataset { name: string; url: string; reused: boolean; steps: BuildStep[]; sizes: DatasetSizes }

/** `doitcrm_bench_http_<messages>`: one kept dataset per size, found again by the next run. */
export function datasetName(messages: number): string {
  return `doitcrm_bench_http_${messages}`;
}

async function readMarker(url: string): Promise<DatasetMarker | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [table] } = await client.query<{ name: string | null }>('SELECT to_regclass($1)::text AS name', [MARKER_TABLE]);
    if (!table?.name) return null;
    const { rows: [row] } = await client.query<{ messages: number }>(`SELECT messages FROM ${MARKER_TABLE} LIMIT 1`);
    return row ? { messages: row.messages } : null;
  } finally {
    await client.end();
  }
}

export async function readSizes(url: string): Promise<DatasetSizes> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [sizes] } = await client.query<{ db: string; tbl: string; idx: string }>(
      `SELECT pg_database_size(current_database())::text AS db, pg_table_size('chat.messages')::text AS tbl,
              pg_indexes_size('chat.messages')::text AS idx`);
    return { databaseBytes: Number(sizes!.db), messagesTableBytes: Number(sizes!.tbl), messagesIndexBytes: Number(sizes!.idx) };
  } finally {
    await client.end();
  }
}

/**
 * The dataset of `messages` messages in database `name`: reused when a finished build is there, built otherwise
 * (a database without the marker is dropped first: it is a build that died). `messages` null reuses the finished
 * build `name` holds, whatever its size, and refuses an unfinished one.
 */
export async function ensureDataset(options: { name: string; messages: number | null; log?: (text: string) => void }): Promise<Dataset> {
  const log = options.log ?? ((text: string) => console.log(text));
  const url = serverUrl(options.name);
  const exists = await withAdmin(async (admin) =>
    (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.name])).rowCount === 1);
  const decision = decideDataset({ exists, marker: exists ? await readMarker(url) : null, messages: options.messages });
  if (decision === 'mismatch') throw new Error(`${options.name} holds a finished dataset of another size; name another database`);
  if (decision === 'missing') throw new Error(`${options.name} is not a finished benchmark dataset (no build marker)`);
  if (decision === 'reuse' || options.messages === null) {
    log(`reusing ${options.name} (a finished build)`);
    // a kept database gets the migrations written since it was built, when their order allows (a shared one may be ahead)
    await migrate({ databaseUrl: url }).catch((error: unknown) => log(`not migrated: ${error instanceof Error ? error.message : String(error)}`));
    return { name: options.name, url, reused: true, steps: [], sizes: await readSizes(url) };
  }
  if (decision === 'rebuild') {
    log(`${options.name} has no finished-build marker: dropping the half-built database`);
    await dropDatabase(options.name);
  }
  const steps = await buildDataset(url, options.messages, log);
  return { name: options.name, url, reused: false, steps, sizes: await readSizes(url) };
}

async function timed<T>(steps: BuildStep[], log: (text: string) => void, step: string, fn: () => Promise<T>, detail?: (value: T) => string): Promise<T> {
  const started = performance.now();
  const value = await fn();
  const entry: BuildStep = { step, seconds: Math.round((performance.now() - started) / 100) / 10 };
  if (detail) entry.detail = detail(value);
  steps.push(entry);
  log(`${step.padEnd(40)} ${entry.seconds.toFixed(1)} s${entry.detail ? `  ${entry.detail}` : ''}`);
  return value;
}

async function buildDataset(url: string, messages: number, log: (text: string) => void): Promise<BuildStep[]> {
  const steps: BuildStep[] = [];
  const name = new URL(url).pathname.slice(1);
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  await timed(steps, log, 'migrations', () => migrate({ databaseUrl: url }));
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-bench-http-'));
  try {
    const school = generateSchool({ silentMembers });
    await timed(steps, log, 'demo school', () => loadSchool(pool, school));
    const file = path.join(dir, 'archive.jsonl');
    await timed(steps, log, `generate archive (${messages} messages, 13 months)`, () => writeArchiveFile(file, { messages, school, endAt: new Date() }),
      () => `${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);
    await timed(steps, log, 'import (ETL CLI)', async () => importArchive(url, file), (line) => line.slice(0, 160));
    fs.rmSync(file, { force: true });
    await timed(steps, log, 'mapper: extract ids (whole archive)', () => extractWholeArchive(pool, { timezone }, async () => {}),
      (result) => `${result.seenIds} ids, ${result.activityRows} activity rows`);
    await timed(steps, log, 'dashboard: full rollup build', () => refreshRollups(pool, { full: true }, { timezone }),
      (result) => `${result.parentDays} parent-days, ${result.waits} waits`);
    await timed(steps, log, 'dashboard: alert evaluation', () => evaluateAlerts(pool, { timezone }), (result) => `${result.open} open alerts`);
    // the state autovacuum reaches on a running system: the extraction's month-by-month rewrites leave dead rows in
    // the mapper's tables that would otherwise be measured as part of every read of them
    await timed(steps, log, 'VACUUM ANALYZE', () => pool.query('VACUUM ANALYZE'));
    // written last: its presence is what says the build finished
    await pool.query(`CREATE TABLE ${MARKER_TABLE} (messages integer NOT NULL, built_at timestamptz NOT NULL DEFAULT now(), steps jsonb NOT NULL)`);
    await pool.query(`INSERT INTO ${MARKER_TABLE} (messages, steps) VALUES ($1, $2)`, [messages, JSON.stringify(steps)]);
    return steps;
  } finally {
    await pool.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The ETL CLI's import, as production runs it; its queue events go to a namespace of their own. */
function importArchive(url: string, file: string): string {
  const imported = spawnSync(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'services/etl/src/cli.ts'), 'import', file, '--json'],
    { env: { ...process.env, DATABASE_URL: url, AMQP_NAMESPACE: `benchhttp${process.pid}.` }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (imported.status !== 0) throw new Error(`import failed: ${imported.stderr}`);
  return imported.stdout.trim().split('\n').pop()!;
}
