// npm run bench:messages -- [--messages 1000000] [--runs 200] [--keep] [--reuse <database kept by --keep>]
// The messages service's read paths on the demo school with a generated archive (imported by the ETL CLI), each
// against the original's query shape on the same data in the same run; plus the search index's size and write cost.
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate, redactUrl } from '@doitcrm/db';
import { generateSchool, loadSchool, writeArchiveFile } from '@doitcrm/demo-data';
import { personCases, roomCases, searchCases } from './bench-cases.ts';
import { line, type Verdict } from './bench-timing.ts';
import { benchDatabase } from '@doitcrm/kit/testing';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '200000' }, runs: { type: 'string', default: '200' }, keep: { type: 'boolean', default: false }, reuse: { type: 'string' } } });
const messages = Number(values.messages);
const runs = Number(values.runs);
const bench = benchDatabase('messages', values);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function sizes(pool: pg.Pool): Promise<void> {
  const { rows: [table] } = await pool.query<{ heap: number; total: number }>(
    "SELECT pg_relation_size('chat.messages')::bigint AS heap, pg_total_relation_size('chat.messages')::bigint AS total");
  line('chat.messages heap (+ TOAST: total incl. indexes)', `${mb(table!.heap)} (total ${mb(table!.total)})`);
  const { rows } = await pool.query<{ name: string; size: number }>(
    `SELECT indexrelid::regclass::text AS name, pg_relation_size(indexrelid)::bigint AS size FROM pg_index
     WHERE indrelid = 'chat.messages'::regclass ORDER BY size DESC`);
  for (const row of rows) line(`  index ${row.name}`, mb(row.size));
}

/** Inserts the same rows into a bare copy of the table and into one with the search index: the index's write cost. */
async function writeCost(pool: pg.Pool): Promise<void> {
  const count = Math.min(50_000, messages);
  const client = await pool.connect();
  try {
    // one client: the temp table lives in its session
    const run = async (ddl: string) => {
      await client.query('DROP TABLE IF EXISTS bench_write');
      await client.query('CREATE TABLE bench_write (LIKE chat.messages INCLUDING DEFAULTS)');
      if (ddl) await client.query(ddl);
      const started = performance.now();
      await client.query('INSERT INTO bench_write SELECT * FROM sample_rows');
      return performance.now() - started;
    };
    await client.query(`CREATE TEMP TABLE sample_rows AS SELECT * FROM chat.messages LIMIT ${count}`);
    const variants: Array<[string, string]> = [
      ['no index', ''],
      ['+ bigram GIN index', 'CREATE INDEX ON bench_write USING gin (insight.bigrams(insight.message_text(msgtype, payload)))'],
      ['+ 1:1 receiver index', 'CREATE INDEX ON bench_write ((to_ids[1]), msgtime DESC) WHERE room_id IS NULL'],
    ];
    // interleaved rounds, best of three: the box is shared, single runs are noisy
    const best = variants.map(() => Number.POSITIVE_INFINITY);
    for (let round = 0; round < 3; round += 1) {
      for (const [index, [, ddl]] of variants.entries()) best[index] = Math.min(best[index]!, await run(ddl));
    }
    const bare = best[0]!;
    for (const [index, [label]] of variants.entries()) {
      const extra = index === 0 ? '' : ` (+${(((best[index]! - bare) * 1000) / count).toFixed(1)} µs/row)`;
      line(`write cost, ${count} rows, ${label}`, `${best[index]!.toFixed(0)} ms${extra}`);
    }
    await client.query('DROP TABLE IF EXISTS bench_write');
  } finally {
    client.release();
  }
}

/** The demo school and a generated archive, imported by the ETL CLI as in production. */
async function build(pool: pg.Pool): Promise<void> {
  const school = generateSchool();
  await loadSchool(pool, school);
  const file = path.join(bench.dir, 'archive.jsonl');
  await writeArchiveFile(file, { messages, school });
  const started = performance.now();
  bench.importArchive(file);
  line('archive imported by the ETL CLI (with every index)', `${((performance.now() - started) / 1000).toFixed(1)} s`);
  await pool.query('VACUUM ANALYZE chat.messages');
}

async function main(): Promise<void> {
  console.log(`messages benchmark: ${values.reuse ? 'reusing' : `${messages} messages,`} ${redactUrl(bench.url)}`);
  if (!values.reuse) await migrate({ databaseUrl: bench.url });
  const pool = new pg.Pool({ connectionString: bench.url, max: 4 });
  try {
    if (!values.reuse) await build(pool);
    await sizes(pool);
    await writeCost(pool);

    const { rows: [latest] } = await pool.query<{ end: Date }>('SELECT max(msgtime) AS "end" FROM chat.messages');
    const end = latest!.end;
    console.log('\nPerson view');
    const verdicts: Verdict[] = [...await personCases(pool, end, runs)];
    console.log('\nGroup browser');
    verdicts.push(...await roomCases(pool, runs));
    console.log('\nFull-text search');
    verdicts.push(...await searchCases(pool, runs));

    console.log('\nResults (targets from the issue):');
    for (const verdict of verdicts) line(verdict.label, `${verdict.text} ${verdict.ok ? 'PASS' : 'MISS'}`);
  } finally {
    await pool.end();
    await bench.finish();
  }
}

await main();
