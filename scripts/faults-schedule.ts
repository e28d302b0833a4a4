// The fault schedule of `npm run faults`: what each round adds to the work in flight and when, and how, it strikes.
import type pg from 'pg';
import type { RoundWork } from './faults-checks.ts';
import { dispatchSent, type DispatchMode } from './faults-dispatch.ts';
import { feishuUnderWay } from './faults-feishu.ts';
import { syncPosition } from './faults-contacts.ts';
import type { Stack } from './faults-stack.ts';
import { jobStates } from './faults-workload.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FaultContext {
  stack: Stack;
  pool: pg.Pool;
  work: RoundWork;
  /** the token prefix of this round's dispatcher messages (faults-dispatch.ts) */
  dispatchTag: string;
  say: (line: string) => void;
}

export interface Fault {
  name: string;
  /** the service this fault kills (its supervised restart is by design, not a failure to recover) */
  kills?: string;
  /** work added on top of the archive imports every round carries */
  adds?: Array<'extract' | 'names' | 'summaries' | 'feishu'>;
  /** how the round's dispatcher messages are sent (default plain) */
  dispatch?: DispatchMode;
  /** contacts-sync work of the round: a full sync submitted before the strike, or a burst of WeCom callbacks through it */
  contacts?: 'sync' | 'burst';
  /** null: no fault (the control round) */
  strike: ((context: FaultContext) => Promise<string>) | null;
}

/** Polls until `test` holds (true), for at most `timeoutMs`; says whether it did. */
async function until(test: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await test().catch(() => false)) return true;
    await sleep(50);
  }
  return false;
}

/** A job of this round of the given type that has started and made progress. */
const jobUnderWay = (context: FaultContext, type: string) => async () =>
  (await jobStates(context.pool, context.work.jobIds)).some((job) => job.type === type && job.status === 'running' && job.progressDone > 0);

const importUnderWay = (context: FaultContext) => jobUnderWay(context, 'etl.import');

/** an import under way and the round's dispatcher messages partly sent: a server fault then strikes both mid-work */
const workUnderWay = (context: FaultContext) => async () =>
  await importUnderWay(context)() && await dispatchSent(context.pool, context.dispatchTag) > 0;

/** waits for `test`, then says how far the dispatcher had got, so a fault that missed its batch shows in the table's log */
async function strikeWhen(context: FaultContext, test: () => Promise<boolean>): Promise<string> {
  await until(test, 120_000);
  return `dispatch ${await dispatchSent(context.pool, context.dispatchTag)} sent at the fault`;
}

function kill9(context: FaultContext, service: string): string {
  const run = context.stack.services.find((candidate) => candidate.name === service);
  const pid = run?.supervised.child.pid;
  if (!pid) throw new Error(`${service} is not running`);
  process.kill(pid, 'SIGKILL');
  return `kill -9 ${service} (pid ${pid})`;
}

async function killWhen(context: FaultContext, service: string, underWay: () => Promise<boolean>, what: string): Promise<string> {
  const caught = await until(underWay, 120_000);
  return `${kill9(context, service)} ${caught ? `mid-${what}` : `(${what} never seen under way)`}`;
}

/** The dashboard refreshes after each import; catch one of its queries running. */
async function dashboardRefreshing(context: FaultContext): Promise<boolean> {
  const { rows } = await context.pool.query(
    `SELECT 1 FROM pg_stat_activity WHERE application_name = 'doitcrm-dashboard' AND state = 'active' AND query ILIKE '%dashboard.%' LIMIT 1`);
  return rows.length > 0;
}

export const FAULTS: Fault[] = [
  { name: 'none (control)', strike: null },
  { name: 'kill -9 etl mid-import', kills: 'etl', strike: (c) => killWhen(c, 'etl', importUnderWay(c), 'import') },
  { name: 'kill -9 mapper mid-extraction', kills: 'mapper', adds: ['extract'], strike: (c) => killWhen(c, 'mapper', jobUnderWay(c, 'mapper.extract'), 'extraction') },
  { name: 'kill -9 mapper mid-nickname fetch', kills: 'mapper', adds: ['names'], strike: (c) => killWhen(c, 'mapper', jobUnderWay(c, 'mapper.fetch-names'), 'fetch') },
  {
    name: 'kill -9 messages mid-summaries', kills: 'messages', adds: ['summaries'],
    strike: (c) => killWhen(c, 'messages', async () => (await jobStates(c.pool, c.work.summaryJobIds)).some((job) => job.status === 'succeeded'), 'summaries'),
  },
  { name: 'kill -9 dashboard mid-refresh', kills: 'dashboard', strike: (c) => killWhen(c, 'dashboard', () => dashboardRefreshing(c), 'refresh') },
  {
    name: 'kill -9 contacts-sync mid full sync', kills: 'contacts-sync', contacts: 'sync',
    strike: async (c) => {
      // two staff batches written and more to come: the resumed run must start at the third, not the first
      const caught = await until(async () => { const at = await syncPosition(c.pool); return at !== null && at.stage === 'relations' && at.batchesDone >= 2; }, 120_000);
      const at = await syncPosition(c.pool);
      return `${kill9(c, 'contacts-sync')} ${caught && at ? `at batch ${at.batchesDone} of ${at.batches} (run ${at.runId})` : '(sync never seen under way)'}`;
    },
  },
  {
    name: 'kill -9 dispatcher mid-batch', kills: 'dispatcher',
    strike: async (c) => {
      const when = await strikeWhen(c, async () => await dispatchSent(c.pool, c.dispatchTag) >= 2_000);
      return `${kill9(c, 'dispatcher')} (${when})`;
    },
  },
  {
    name: 'kill -9 feishu-sync mid-sync', kills: 'feishu-sync', adds: ['feishu'],
    strike: (c) => killWhen(c, 'feishu-sync', async () => feishuUnderWay(c.stack.feishu!, c.work.feishu!), 'sync'),
  },
  {
    name: 'Idempotency-Key replays and concurrent duplicates', dispatch: 'replays',
    strike: async () => 'each send-batch request 10× at once, then once more after (the fault is the caller\'s)',
  },
  {
    name: 'restart RabbitMQ', adds: ['summaries'], contacts: 'burst',
    strike: async (c) => {
      const when = await strikeWhen(c, workUnderWay(c));
      await c.stack.rabbit.stop();
      await c.stack.rabbit.start();
      return `rabbitmqctl stop, then start (${when})`;
    },
  },
  {
    name: 'kill -9 RabbitMQ', adds: ['summaries'],
    strike: async (c) => {
      const when = await strikeWhen(c, workUnderWay(c));
      await c.stack.rabbit.kill9();
      await c.stack.rabbit.start();
      return `kill -9 of the Erlang VM, then start (${when})`;
    },
  },
  {
    name: 'restart PostgreSQL', adds: ['summaries'], contacts: 'burst',
    strike: async (c) => {
      const when = await strikeWhen(c, workUnderWay(c));
      await c.stack.postgres.stop();
      await c.stack.postgres.start();
      return `fast shutdown (pg_ctl -m fast), then start (${when})`;
    },
  },
  {
    name: 'crash PostgreSQL', adds: ['extract'],
    strike: async (c) => {
      const when = await strikeWhen(c, workUnderWay(c));
      await c.stack.postgres.crash();
      await c.stack.postgres.start();
      return `immediate shutdown (SIGQUIT, crash recovery on start), then start (${when})`;
    },
  },
  {
    // the Redis round's control: the same pressure on WeCom's per-member limit, nothing struck
    name: 'none, WeCom members pressed past 30/min', dispatch: 'limits',
    strike: async () => 'no fault; 60 members × 42 messages each',
  },
  {
    name: 'restart Redis', adds: ['summaries'], dispatch: 'limits',
    strike: async (c) => {
      const when = await strikeWhen(c, workUnderWay(c));
      await c.stack.redis.stop();
      await c.stack.redis.start();
      return `SIGTERM (no persistence: sessions, progress and the limits' logs gone), then start (${when})`;
    },
  },
  {
    name: 'stall PostgreSQL 25 s', adds: ['summaries'],
    strike: async (c) => {
      const when = await strikeWhen(c, workUnderWay(c));
      c.stack.proxies.postgres.stall();
      await sleep(25_000);
      c.stack.proxies.postgres.resume();
      return `proxy moved no byte for 25 s, closed nothing (${when})`;
    },
  },
];
