// npx tsx services/mapper/test/suggestions-bench.ts [--messages 1000000] [--database NAME] [--keep]
// Times GET /suggestions' work (suggest() with the route's activity cache) per kind on the demo school with a full archive behind it: the school is
// loaded, a generated archive goes through the ETL CLI into chat.messages, the mapper extracts ids and activity, then
// a part of the mappings is cleared the way the tests do, so every kind has work. `--database` reuses a database a
// previous `--keep` run left behind (only the timing runs again).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate } from '@doitcrm/db';
import { generateSchool, loadSchool, writeArchiveFile } from '@doitcrm/demo-data';
import { extractIds } from '../src/domain/extract-ids.ts';
import { createActivityTotalsCache, suggest, type ActivitySource } from '../src/domain/suggestions/index.ts';
import type { SuggestionKind } from '../src/contract.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    database: { type: 'string' },
    keep: { type: 'boolean', default: false },
    runs: { type: 'string', default: '7' },
  },
});
const messages = Number(values.messages);
const runs = Number(values.runs);
const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/doitcrm');
const benchDb = values.database ?? `doitcrm_bench_suggest_${Date.now()}`;
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${benchDb}`;
const etlCli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../etl/src/cli.ts');

function importWithEtlCli(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', etlCli, 'import', file, '--json'], {
      env: { ...process.env, DATABASE_URL: benchUrl.toString(), AMQP_NAMESPACE: 'bench.suggestions.', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`etl CLI exited ${code}`))));
  });
}

async function prepare(pool: pg.Pool): Promise<void> {
  const school = generateSchool();
  await loadSchool(pool, school);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-suggest-bench-'));
  try {
    const file = path.join(workDir, 'archive.jsonl.gz');
    let started = performance.now();
    await writeArchiveFile(file, { messages, school });
    console.log(`archive of ${messages} messages generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    started = performance.now();
    await importWithEtlCli(file);
    console.log(`imported in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    started = performance.now();
    const extraction = await extractIds(pool, { all: true }, { timezone: 'Asia/Shanghai' });
    console.log(`ids extracted in ${((performance.now() - started) / 1000).toFixed(0)} s: ${extraction.activityRows} activity rows`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  // work for every kind: a fifth of the staff lose their role, a quarter of the class groups their class
  await pool.query(`UPDATE crm.identities SET user_role = NULL WHERE id_kind = 'staff' AND id % 5 = 0`);
  await pool.query(`UPDATE crm.classes SET room_id = NULL WHERE id % 4 = 0`);
  await pool.query('ANALYZE');
}

async function time(pool: pg.Pool, kind: SuggestionKind | undefined, activity: ActivitySource) {
  const times: number[] = [];
  let items = 0;
  let pages = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const page = await suggest(pool, { kind, limit: 50 }, { activity });
    times.push(performance.now() - started);
    items = page.items.length;
    // walk the rest once, so paging is exercised too
    if (run === 0) {
      let cursor = page.nextCursor;
      pages = 1;
      while (cursor) {
        const next = await suggest(pool, { kind, limit: 50, cursor }, { activity });
        cursor = next.nextCursor;
        pages += 1;
      }
    }
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)]!, maxMs: times[times.length - 1]!, items, pages };
}

async function main(): Promise<void> {
  if (!values.database) await migrate({ databaseUrl: benchUrl.toString() });
  const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: 4 });
  try {
    if (!values.database) await prepare(pool);
    const { rows } = await pool.query<{ messages: number; activity: number }>(
      `SELECT (SELECT count(*) FROM chat.messages)::int AS messages, (SELECT count(*) FROM crm.identity_activity)::int AS activity`);
    console.log(`database ${benchDb}: ${rows[0]!.messages} messages, ${rows[0]!.activity} activity rows; ${runs} runs per kind, limit 50`);
    // what the route does: activity folded once per change of the activity table, then kept
    const activity = createActivityTotalsCache();
    let started = performance.now();
    await suggest(pool, { limit: 50 }, { activity });
    console.log(`first request (folds the activity table into the cache): ${(performance.now() - started).toFixed(0)} ms`);
    started = performance.now();
    await suggest(pool, { limit: 50 });
    console.log(`uncached call (suggest without a cache, exact): ${(performance.now() - started).toFixed(0)} ms`);
    for (const kind of ['role', 'student', 'class', undefined] as const) {
      const result = await time(pool, kind, activity);
      console.log(`${(kind ?? 'all').padEnd(8)} median ${result.medianMs.toFixed(1)} ms, max ${result.maxMs.toFixed(1)} ms; `
        + `${result.items} items on the first page, ${result.pages} pages in all`);
    }
  } finally {
    await pool.end();
    if (!values.keep && !values.database) {
      const admin = new pg.Client({ connectionString: new URL('/postgres', serverUrl).toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
      await admin.end();
    } else console.log(`kept database ${benchDb}`);
  }
}

await main();
