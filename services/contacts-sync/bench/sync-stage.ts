// The full-pass half of the contacts benchmark: the CLI (`npm run contacts -- --mode full`, as operators run it, in
// a process of its own) against the big corp in the fake, twice. Calls are counted by the fake itself; the pass's
// time is the run's own (started_at → finished_at), so the CLI's start-up is not in it; rows written by the second
// pass are counted twice over: its change log, and every row version (xmin) that is newer than the pass.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { WecomFake } from '@doitcrm/fakes';
import { minimumCalls, rateLimitFloorMs, sumCalls, type CorpShape } from './bench-report.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA_TABLES = ['staff', 'external_contacts', 'follow_relations', 'customer_groups', 'group_members'];

export interface PassResult {
  runId: number;
  ms: number;
  calls: Record<string, number>;
  /** rows the pass's change log names, and row versions written during the pass, per table */
  changes: number;
  rowVersions: Record<string, number>;
}

export interface SyncStageResult {
  shape: CorpShape;
  minimum: Record<string, number>;
  first: PassResult;
  second: PassResult;
  floorMs: number;
  limits: { perMinute: number; perHour: number };
}

function runCli(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'services/contacts-sync/src/cli.ts'), '--mode', 'full'], {
      cwd: repositoryRoot, env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.on('close', (code) => {
      if (code === 0) {
        log(`    ${output.trim().split('\n').pop()}`);
        resolve();
      } else reject(new Error(`contacts CLI exited ${code}:\n${output.slice(-2000)}`));
    });
  });
}

async function onePass(pool: pg.Pool, fake: WecomFake, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<PassResult> {
  const mark = fake.calls.all().length;
  const { rows: [xid] } = await pool.query<{ xid: string }>('SELECT (pg_current_xact_id()::text::bigint % 4294967296)::text AS xid');
  await runCli(env, log);
  const { rows: [run] } = await pool.query<{ id: string; ms: number; state: string }>(
    `SELECT id, extract(epoch FROM finished_at - started_at)::float8 * 1000 AS ms, state FROM contacts.sync_runs ORDER BY id DESC LIMIT 1`);
  if (run!.state !== 'succeeded') throw new Error(`the pass ended ${run!.state}`);
  const calls: Record<string, number> = {};
  for (const call of fake.calls.all().slice(mark)) calls[call.endpoint] = (calls[call.endpoint] ?? 0) + 1;
  const { rows: [changes] } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts.changes WHERE run_id = $1', [run!.id]);
  const rowVersions: Record<string, number> = {};
  for (const table of DATA_TABLES) {
    // xids of this bench's young database do not wrap within a run; a row whose version is newer than the mark was written by the pass
    const { rows: [count] } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM contacts.${table} WHERE xmin::text::bigint >= $1::bigint`, [xid!.xid]);
    rowVersions[table] = count!.n;
  }
  return { runId: Number(run!.id), ms: run!.ms, calls, changes: changes!.n, rowVersions };
}

export async function runSyncStage(
  context: { pool: pg.Pool; fake: WecomFake; shape: CorpShape; env: NodeJS.ProcessEnv; limits: { perMinute: number; perHour: number }; log: (line: string) => void },
): Promise<SyncStageResult> {
  const { pool, fake, shape, env, limits, log } = context;
  log('  full pass 1 (empty database)');
  const first = await onePass(pool, fake, env, log);
  log(`    ${(first.ms / 1000).toFixed(1)} s, ${sumCalls(first.calls)} calls`);
  log('  full pass 2 (nothing changed in WeCom)');
  const second = await onePass(pool, fake, env, log);
  log(`    ${(second.ms / 1000).toFixed(1)} s, ${sumCalls(second.calls)} calls, change rows ${second.changes}`);
  return { shape, minimum: minimumCalls(shape), first, second, floorMs: rateLimitFloorMs(first.calls, limits), limits };
}
