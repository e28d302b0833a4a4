// npm run bench:roster -- [--classes 100] [--per-class 40] [--enrolment-rows 10000] [--rounds 3] [--keep]
// Preview and commit, end to end through the domain functions the API and CLI use (parse, store the draft, diff,
// commit with undo log, audit and outbox), of a matrix CSV and an enrolment CSV; and as an anchor, a bare multi-row
// upsert of the same rows into copies of the same tables, in the same run and database.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ensureDatabase, migrate, redactUrl } from '@doitcrm/db';
import { commitImport } from '../src/domain/commit-import.ts';
import { previewUpload } from '../src/domain/preview-import.ts';
import { bareUpsert, prepareAnchorTables, truncateAnchor } from './bare-upsert.ts';
import { benchClasses, enrolmentCsv, matrixCsv } from './bench-data.ts';
import { dropDatabase } from '@doitcrm/kit/testing';
import { systemActor } from '@doitcrm/kit';

const { values } = parseArgs({ options: {
  classes: { type: 'string', default: '100' }, 'per-class': { type: 'string', default: '40' }, 'enrolment-rows': { type: 'string', default: '10000' },
  rounds: { type: 'string', default: '3' }, keep: { type: 'boolean', default: false },
} });
const rounds = Number(values.rounds);
const classCount = Number(values.classes);
const perClass = Number(values['per-class']);
const enrolmentRows = Number(values['enrolment-rows']);
const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/doitcrm');
const benchDb = `doitcrm_bench_roster_${Date.now()}`;
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${benchDb}`;
const actor = { ...systemActor('bench'), userAgent: 'roster-bench' };

const line = (label: string, text: string) => console.log(`${label.padEnd(52)} ${text}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

interface Sample {
  preview: number;
  commit: number;
  anchor: number;
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function runFile(pool: pg.Pool, label: string, csv: string, anchorRows: Parameters<typeof bareUpsert>[1], round: number): Promise<Sample> {
  const bytes = Buffer.from(csv, 'utf8');
  const preview = await timed(() => previewUpload(pool, { bytes, fileName: `${label}.csv` }, actor, null));
  const commit = await timed(() => commitImport(pool, preview.value.record.id, { token: preview.value.token }, actor));
  await truncateAnchor(pool);
  const anchor = await timed(() => bareUpsert(pool, anchorRows));
  if (round === 0) {
    const s = preview.value.diff.summary;
    const r = commit.value;
    line(`${label}: what the preview found`, `classes ${JSON.stringify(s.classes)} students ${JSON.stringify(s.students)}`);
    line(`${label}: what the commit wrote`, `classes +${r.classes.inserted}; students +${r.students.inserted} ~${r.students.updated}, enrolled ${r.students.enrolled}, contacts +${r.contacts.inserted}`);
  }
  return { preview: preview.ms, commit: commit.ms, anchor: anchor.ms };
}

function report(label: string, samples: Sample[]): void {
  const preview = median(samples.map((s) => s.preview));
  const commit = median(samples.map((s) => s.commit));
  const anchor = median(samples.map((s) => s.anchor));
  line(`${label}: preview (parse + store draft + diff)`, `${seconds(preview)}  (target ≤ 2 s) ${verdict(preview <= 2000)}`);
  line(`${label}: commit (re-diff + write + undo log + audit)`, `${seconds(commit)}  (target ≤ 2 s) ${verdict(commit <= 2000)}`);
  line(`${label}: anchor, bare multi-row upsert of same rows`, seconds(anchor));
  line(`${label}: commit / anchor`, `${(commit / anchor).toFixed(1)}×  (target ≤ 3×) ${verdict(commit / anchor <= 3)}`);
}

async function main(): Promise<void> {
  console.log(`roster benchmark: ${classCount} classes × ${perClass} pupils, enrolment CSV of ${enrolmentRows} rows, ${redactUrl(benchUrl.toString())}`);
  await ensureDatabase(benchUrl.toString());
  await migrate({ databaseUrl: benchUrl.toString() });
  const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: 4 });
  try {
    await prepareAnchorTables(pool);
    const matrixSamples: Sample[] = [];
    const enrolmentSamples: Sample[] = [];
    let lastMatrix = '';
    // each round imports fresh classes (new names and groups), so every round does the same work; medians reported
    for (let round = 0; round < rounds; round++) {
      const classes = benchClasses(classCount, String.fromCharCode(65 + round));
      lastMatrix = matrixCsv(classes, perClass);
      matrixSamples.push(await runFile(pool, 'matrix', lastMatrix, { classes, perClass, enrolment: null }, round));
      enrolmentSamples.push(await runFile(pool, 'enrolment', enrolmentCsv(classes, perClass, enrolmentRows), { classes, perClass, enrolment: enrolmentRows }, round));
    }
    console.log(`medians of ${rounds} rounds:`);
    report('matrix', matrixSamples);
    report('enrolment', enrolmentSamples);
    const again = await timed(() => previewUpload(pool, { bytes: Buffer.from(lastMatrix, 'utf8'), fileName: 'again.csv' }, actor, null));
    line('matrix again: preview (expect no changes)', `${seconds(again.ms)}  ${JSON.stringify(again.value.diff.summary.students)}`);
  } finally {
    await pool.end();
    if (!values.keep) {
      await dropDatabase(benchDb);
    } else console.log(`kept ${benchDb}`);
  }
}

await main();
