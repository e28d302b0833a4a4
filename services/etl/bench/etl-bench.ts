// npm run bench:etl -- --messages 300000 [--sample 20000] [--recipients N] [--one-lane] [--keep]
// --recipients N keeps at most N recipients per message: narrow rows, where the loader's own per-row work weighs
// most against the database's (the demo school's group messages carry 29 recipients on average).
// Imports a generated archive into an empty chat.messages, then loads the same final rows with a raw COPY into a
// table created LIKE chat.messages INCLUDING ALL, in the same run, and prints both rates and their ratio; also the
// re-import speed-up and the original's row-by-row pattern on a sample. Ratios, not absolute times, are the goal.
// --one-lane imports the file once more into an emptied table with --lanes 1 (one chunk at a time), for the gain
// of writing two chunks at once measured in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { migrate, redactUrl } from '@doitcrm/db';
import { writeArchiveFile } from '@doitcrm/demo-data';
import { rowByRowImport } from './row-by-row.ts';
import { dropDatabase } from '@doitcrm/kit/testing';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '300000' },
    sample: { type: 'string', default: '20000' },
    recipients: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'one-lane': { type: 'boolean', default: false },
  },
});
const messages = Number(values.messages);
const sample = Number(values.sample);
if (!Number.isInteger(messages) || messages < 1000) throw new Error(`--messages must be a whole number ≥ 1000 (got ${values.messages})`);
if (!Number.isInteger(sample) || sample < 100) throw new Error(`--sample must be a whole number ≥ 100 (got ${values.sample})`);
const recipients = values.recipients === undefined ? null : Number(values.recipients);
if (recipients !== null && (!Number.isInteger(recipients) || recipients < 0)) throw new Error(`--recipients must be a whole number ≥ 0 (got ${values.recipients})`);

const cliPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');
const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/doitcrm');
const benchDb = `doitcrm_bench_${Date.now()}`;
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${benchDb}`;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-etl-bench-'));

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));
const line = (label: string, text: string) => console.log(`${label.padEnd(52)} ${text}`);

interface CliRun { summary: { lines: number; inserted: number; unchanged: number; durationMs: number }; peakRssMb: number }

/** The CLI as operators run it, its peak RSS read from /proc while it runs. */
function runCli(file: string, conflict: 'skip' | 'update', lanes = 2): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliPath, 'import', file, '--json', '--conflict', conflict, '--lanes', String(lanes)], {
      env: { ...process.env, DATABASE_URL: benchUrl.toString(), AMQP_URL: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', AMQP_NAMESPACE: 'bench.' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    let peakKb = 0;
    const sampler = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peakKb = Math.max(peakKb, rss);
      } catch {
        // the process has just exited
      }
    }, 50);
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.on('close', (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`etl CLI exited ${code}`));
      const last = stdout.trim().split('\n').pop()!;
      resolve({ summary: JSON.parse(last), peakRssMb: Math.round(peakKb / 1024) });
    });
  });
}

/** The archive with every tolist cut to `keep` recipients, written next to it (lines that are not JSON stay as they are). */
async function narrowed(file: string, keep: number): Promise<string> {
  const out = file.replace(/\.jsonl$/, `-${keep}-recipients.jsonl`);
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  const transform = async function* () {
    for await (const text of lines) {
      let record: { tolist?: unknown } | undefined;
      try {
        record = JSON.parse(text) as { tolist?: unknown };
      } catch {
        record = undefined;
      }
      if (record && Array.isArray(record.tolist)) record.tolist = record.tolist.slice(0, keep);
      yield `${record ? JSON.stringify(record) : text}\n`;
    }
  };
  await pipeline(transform, fs.createWriteStream(out));
  fs.rmSync(file);
  return out;
}

async function main(): Promise<void> {
  console.log(`ETL benchmark: ${messages} messages${recipients === null ? '' : ` (≤ ${recipients} recipients each)`}, database ${redactUrl(benchUrl.toString())}, ${os.cpus().length} cores`);
  await migrate({ databaseUrl: benchUrl.toString() });
  const client = new pg.Client({ connectionString: benchUrl.toString() });
  await client.connect();
  try {
    const generatedPath = path.join(workDir, 'generated.jsonl');
    const generated = await writeArchiveFile(generatedPath, { messages });
    const archive = recipients === null ? generatedPath : await narrowed(generatedPath, recipients);
    const archiveMb = (fs.statSync(archive).size / 1024 / 1024).toFixed(0);
    line('archive generated (demo school, not timed)', `${generated.lines} lines, ${archiveMb} MB${recipients === null ? '' : `, at most ${recipients} recipients per message`}`);

    await client.query('CHECKPOINT');
    const first = await runCli(archive, 'skip');
    const rows = first.summary.inserted;
    line('ETL import: JSONL → chat.messages (CLI)', `${seconds(first.summary.durationMs)} s  ${rate(first.summary.lines, first.summary.durationMs)} rows/s  peak RSS ${first.peakRssMb} MB`);

    const tsv = path.join(workDir, 'rows.tsv');
    await pipeline(client.query(copyTo('COPY chat.messages TO STDOUT')), fs.createWriteStream(tsv));
    await client.query('CREATE TABLE public.bench_copy (LIKE chat.messages INCLUDING ALL)');
    await client.query('CHECKPOINT');
    const copyStarted = performance.now();
    await pipeline(fs.createReadStream(tsv, { highWaterMark: 1 << 20 }), client.query(copyFrom('COPY public.bench_copy FROM STDIN')));
    const copyMs = performance.now() - copyStarted;
    line('raw COPY of the same rows (LIKE … INCLUDING ALL)', `${seconds(copyMs)} s  ${rate(rows, copyMs)} rows/s`);

    await client.query('CHECKPOINT');
    const again = await runCli(archive, 'skip');
    line('re-import of the same file (skip)', `${seconds(again.summary.durationMs)} s  inserted ${again.summary.inserted}, unchanged ${again.summary.unchanged}`);
    const update = await runCli(archive, 'update');
    line('re-import of the same file (update, nothing changed)', `${seconds(update.summary.durationMs)} s`);

    const sampleGenerated = path.join(workDir, 'sample.jsonl');
    await writeArchiveFile(sampleGenerated, { messages: sample, seed: 7 });
    const sampleFile = recipients === null ? sampleGenerated : await narrowed(sampleGenerated, recipients);
    await client.query('CREATE TABLE public.bench_row_by_row (LIKE chat.messages INCLUDING ALL)');
    await client.query('CHECKPOINT');
    const slow = await rowByRowImport(client, sampleFile, 'public.bench_row_by_row');
    line(`original pattern: one INSERT per line, one tx (${slow.rows} rows)`, `${seconds(slow.ms)} s  ${rate(slow.rows, slow.ms)} rows/s`);

    let oneLane: CliRun | undefined;
    if (values['one-lane']) {
      await client.query('TRUNCATE chat.messages, chat.pending_recalls');
      await client.query('CHECKPOINT');
      oneLane = await runCli(archive, 'skip', 1);
      line('ETL import, one chunk at a time (--lanes 1)', `${seconds(oneLane.summary.durationMs)} s  ${rate(oneLane.summary.lines, oneLane.summary.durationMs)} rows/s`);
    }

    const etlRate = first.summary.lines / first.summary.durationMs;
    const copyRate = rows / copyMs;
    const ratio = etlRate / copyRate;
    const reimport = first.summary.durationMs / again.summary.durationMs;
    const vsOriginal = etlRate / (slow.rows / slow.ms);
    console.log('\nResults (targets from the issue):');
    line('ETL / raw COPY', `${ratio.toFixed(2)}×   (target ≥ 0.80) ${ratio >= 0.8 ? 'PASS' : 'MISS'}`);
    line('first import / re-import time', `${reimport.toFixed(1)}×   (target ≥ 3, and 0 inserted) ${reimport >= 3 && again.summary.inserted === 0 ? 'PASS' : 'MISS'}`);
    line('ETL / original row-by-row', `${vsOriginal.toFixed(1)}×   (target ≥ 8) ${vsOriginal >= 8 ? 'PASS' : 'MISS'}`);
    if (oneLane) line('two lanes / one lane (import time)', `${(oneLane.summary.durationMs / first.summary.durationMs).toFixed(2)}× faster on two lanes`);
    line('peak RSS of the import', `${first.peakRssMb} MB (target < 300 MB at 1M lines)`);
  } finally {
    await client.end();
    fs.rmSync(workDir, { recursive: true, force: true });
    if (!values.keep) {
      await dropDatabase(benchDb);
    } else console.log(`kept database ${benchDb}`);
  }
}

await main();
