// npm run bench:http -- [--messages 200000] [--reuse DATABASE] [--runs 30] [--seed 15] [--out FILE] [--original-timeout 60] [--skip-original]
// The pages' real API calls through HTTP with a signed-in session, against the five services started on a dataset of
// N messages (built once as doitcrm_bench_http_<N> and reused; --reuse names another finished one), p50 / p95 / max
// per call beside a bare Express "hello" in the same run and the original's query for the same call.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { redactUrl } from '@doitcrm/db';
import { buildCalls, pick, type Call, type Get } from './cases.ts';
import { datasetName, ensureDataset } from './dataset.ts';
import { timeOriginal } from './originals.ts';
import { formatTable, GOALS, summarize, type ResultRow, type Timing } from './report.ts';
import { startSuite, type Suite } from './services.ts';
import { seededRandom } from './terms.ts';

export interface BenchOptions {
  messages: number;
  /** a finished dataset to reuse, whatever its size */
  reuse?: string;
  /** the database to build or reuse instead of doitcrm_bench_http_<messages> (the harness's own test) */
  database?: string;
  runs: number;
  seed: number;
  out: string;
  originalTimeoutMs: number;
  skipOriginal: boolean;
}

export interface BenchResult {
  database: string;
  messages: number;
  seed: number;
  runs: number;
  load: { start: number[]; end: number[] };
  hello: { p50: number; callsPerSecond: number };
  rows: ResultRow[];
  table: string;
}

const log = (text: string) => console.log(text);

function client(suite: Suite): { get: Get; timeGet: (service: keyof Suite['baseUrl'], path: string) => Promise<number> } {
  const request = async (service: keyof Suite['baseUrl'], requestPath: string) => {
    const response = await fetch(`${suite.baseUrl[service]}${requestPath}`, { headers: { cookie: suite.cookie } });
    const text = await response.text();
    if (!response.ok) throw new Error(`${service} ${requestPath}: ${response.status} ${text.slice(0, 300)}`);
    return text;
  };
  return {
    get: async (service, requestPath) => JSON.parse(await request(service, requestPath)) as unknown,
    // the body is read whole: a user waits for all of it
    timeGet: async (service, requestPath) => {
      const started = performance.now();
      await request(service, requestPath);
      return performance.now() - started;
    },
  };
}

async function timeHello(url: string, count: number): Promise<{ p50: number; callsPerSecond: number }> {
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count + 20; i += 1) {
    const one = performance.now();
    await (await fetch(`${url}/hello`)).text();
    if (i >= 20) samples.push(performance.now() - one);
  }
  return { p50: summarize(samples).p50, callsPerSecond: Math.round((count + 20) / ((performance.now() - started) / 1000)) };
}

/** One warm-up pass over the call's requests (not counted), then `runs` requests taking its inputs in turn. */
async function timeCall(call: Call, runs: number, timeGet: (service: Call['service'], path: string) => Promise<number>): Promise<Timing> {
  for (const requestPath of call.paths) await timeGet(call.service, requestPath);
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) samples.push(await timeGet(call.service, call.paths[run % call.paths.length]!));
  return summarize(samples);
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const loadStart = os.loadavg();
  const dataset = await ensureDataset({
    name: options.reuse ?? options.database ?? datasetName(options.messages), messages: options.reuse ? null : options.messages, log,
  });
  log(`dataset ${dataset.name} (${dataset.reused ? 'reused' : 'built now'}), ${redactUrl(dataset.url)}`);
  const suite = await startSuite(dataset.url);
  const pool = new pg.Pool({ connectionString: dataset.url, max: 2 });
  try {
    const random = seededRandom(options.seed);
    const picks = await pick(pool, random, options.seed);
    log(`seed ${options.seed}: biggest group ${picks.biggestRoom}, most active parent ${picks.activeParent}, busiest class ${picks.busiestClass}`);
    log(`  random groups ${picks.randomRooms.join(' ')}; random parents ${picks.randomParents.join(' ')}; random class ${picks.randomClass}`);
    log(`  terms: ${picks.terms.map((term) => `${term.term} [${term.frequency} ~${term.estimatedHits}]`).join(', ')}`);
    const { get, timeGet } = client(suite);
    const calls = await buildCalls(picks, get);
    const hello = await timeHello(suite.helloUrl, 500);
    log(`bare Express hello: p50 ${hello.p50.toFixed(2)} ms, ${hello.callsPerSecond} calls/s`);
    const rows: ResultRow[] = [];
    for (const call of calls) {
      const timing = await timeCall(call, options.runs, timeGet);
      rows.push({ call: call.call, input: call.input, goal: call.goal, timing, original: null });
      log(`${call.call.padEnd(48)} p50 ${timing.p50.toFixed(1)} / p95 ${timing.p95.toFixed(1)} / max ${timing.max.toFixed(1)} ms`);
    }
    // the originals last, so their long scans do not slow ours
    if (!options.skipOriginal) {
      for (const [index, call] of calls.entries()) {
        if (!call.original) continue;
        rows[index]!.original = await timeOriginal(pool, await call.original(), options.originalTimeoutMs);
        log(`original: ${call.call.padEnd(40)} ${JSON.stringify(rows[index]!.original)}`);
      }
    }
    const table = formatTable(rows, hello.p50);
    const result: BenchResult = {
      database: dataset.name, messages: picks.messages, seed: options.seed, runs: options.runs,
      load: { start: loadStart, end: os.loadavg() }, hello, rows, table,
    };
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, `${JSON.stringify({ ...result, dataset: { steps: dataset.steps, sizes: dataset.sizes } }, null, 2)}\n`);
    return result;
  } finally {
    await pool.end();
    await suite.stop();
  }
}

function goalsText(): string {
  return `goals (p95 through HTTP): search ≤ ${GOALS.search} ms; a parent's month and a group page ≤ ${GOALS.person} ms; dashboard and mapper ≤ ${GOALS.dashboard} ms`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    messages: { type: 'string', default: '200000' }, reuse: { type: 'string' }, runs: { type: 'string', default: '30' },
    seed: { type: 'string', default: '15' }, out: { type: 'string' }, 'original-timeout': { type: 'string', default: '60' },
    'skip-original': { type: 'boolean', default: false },
  } });
  const messages = Number(values.messages);
  const options: BenchOptions = {
    messages, runs: Number(values.runs), seed: Number(values.seed),
    out: values.out ?? path.join('var', `bench-http-${values.reuse ?? messages}.json`),
    originalTimeoutMs: Number(values['original-timeout']) * 1000, skipOriginal: values['skip-original'],
    ...(values.reuse ? { reuse: values.reuse } : {}),
  };
  const result = await runBench(options);
  console.log(`\n${result.messages} messages (${result.database}), seed ${result.seed}, ${result.runs} runs per call, warm-up excluded; `
    + `bare Express hello p50 ${result.hello.p50.toFixed(2)} ms (${result.hello.callsPerSecond} calls/s); `
    + `load average ${result.load.start.map((n) => n.toFixed(1)).join(' ')} → ${result.load.end.map((n) => n.toFixed(1)).join(' ')}\n`);
  console.log(result.table);
  console.log(`\n${goalsText()}\nresults written to ${options.out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
