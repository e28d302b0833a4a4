// The dispatcher benchmark end to end on a tiny size against the real RabbitMQ, PostgreSQL and Redis: its counts add
// up, its tables are whole, and nothing it declared or started is left — on the broker, as a bench database — after
// a finish, and after Ctrl-C in the middle of a run. Speed is not asserted: the pipeline's stages here check shape.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import amqplib, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueSuffix, waitFor, withAdmin } from '@doitcrm/kit/testing';
import { PRIORITY_TIERS, SEND_EXCHANGE, sendQueue, tierOf } from '../src/queue/topology.ts';
import { withAmqpChannel as withChannel } from '@doitcrm/kit';
import { BenchNamespace } from './bench-namespace.ts';
import { BENCH_CHANNEL } from './designs.ts';
import { createDispatcherBench, DEFAULT_OPTIONS, type BenchResult } from './dispatcher-bench.ts';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dispatcher-bench.ts');
let connection: ChannelModel;

beforeAll(async () => {
  connection = await amqplib.connect(AMQP_URL);
  connection.on('error', () => {});
});
afterAll(async () => {
  await connection?.close().catch(() => {});
});

/** Whether the broker has the queue (a passive check; its 404 closes only the channel it ran on). */
const queueExists = (queue: string) => withChannel(connection, (channel) => channel.checkQueue(queue)).then(() => true, () => false);
const exchangeExists = (exchange: string) => withChannel(connection, (channel) => channel.checkExchange(exchange)).then(() => true, () => false);

describe('npm run bench:dispatcher', () => {
  const messages = 330;
  const backlog = 200;
  const tiny = { batch: 150, batchRuns: 2, rate: 40, seconds: 1 };
  const ns = new BenchNamespace(`benchdispatchtest${uniqueSuffix()}.`);
  const logged: string[] = [];
  let result: BenchResult;

  beforeAll(async () => {
    const bench = createDispatcherBench({ ...DEFAULT_OPTIONS, messages, backlog, concurrency: 8, serviceMs: 1, rounds: 1, ...tiny },
      { amqpUrl: AMQP_URL, ns, log: (line) => { logged.push(line); } });
    result = await bench.run();
  }, 400_000);

  it('when run on a tiny size, then every design of the queue choice consumed each message it published, the tier queues by priority', () => {
    const rows = result.results['queue-choice']!.rows;
    expect(rows.map((row) => row.design)).toEqual(['classic', 'quorum', 'tiers', 'priority4', 'priority10']);
    for (const row of rows) {
      expect(row.published).toBe(messages);
      expect(Object.values(row.consumed).reduce((sum, n) => sum + n, 0)).toBe(messages);
      expect(row.throughPerSecond).toBeGreaterThan(0);
    }
    expect(rows.filter((row) => row.design === 'classic' || row.design === 'quorum').map((row) => row.ratio)).toEqual([1, 1]);
    // priorities 0–10 in turn: each tier queue holds exactly the messages whose priority folds onto its tier
    const perTier = Object.fromEntries(PRIORITY_TIERS.map((tier) => [sendQueue(BENCH_CHANNEL, tier),
      Array.from({ length: messages }, (_, i) => tierOf(i % 11)).filter((t) => t === tier).length]));
    expect(rows.find((row) => row.design === 'tiers')!.consumed).toEqual(perTier);
  });

  it('when the urgent message is timed, then each design consumed the backlog and it once, and the backlog splits into before, meanwhile and after it', () => {
    const rows = result.results.overtaking!.rows;
    expect(rows.map((row) => row.design)).toEqual(['quorum', 'tiers', 'priority4']);
    for (const row of rows) {
      expect(row.consumed).toBe(backlog + 1);
      expect(row.finishedBefore + row.finishedMeanwhile + row.overtaken).toBe(backlog);
      expect(row.finishedBefore).toBeGreaterThan(0);
      expect(row.latencyMs).toBeGreaterThan(0);
    }
    // one plain queue is first in, first out: nothing published before it can finish after it
    expect(rows[0]!.overtaken).toBe(0);
  });

  it('when a 150-recipient batch is posted twice, then each is answered 202 with one message, outbox row and queued trace per recipient, and all are delivered once', () => {
    const batch = result.results['batch-accept']!;
    expect(batch.acceptMs).toHaveLength(tiny.batchRuns);
    for (const ms of batch.acceptMs) expect(ms).toBeGreaterThan(0);
    expect(batch.p50).toBeLessThanOrEqual(batch.max);
    expect(batch.statementP50).toBeGreaterThan(0);
    expect(batch.rows).toEqual({ messages: tiny.batch, outbox: tiny.batch, traceEvents: tiny.batch, audit: 1, idempotencyKeys: 1 });
    expect(batch.delivered).toBe(tiny.batch * tiny.batchRuns);
    expect(batch.duplicated).toBe(0);
  });

  it('when single sends are offered open loop beside the hello anchor, then every request of each is answered and timed, and every send delivered once', () => {
    const single = result.results['single-send']!;
    const requests = tiny.rate * tiny.seconds;
    expect(single.hello.statuses).toEqual({ 200: requests });
    expect(single.dispatcher.statuses).toEqual({ 202: requests });
    for (const run of [single.hello, single.dispatcher]) {
      expect(run.requests).toBe(requests);
      expect(run.p50).toBeGreaterThan(0);
      expect(run.p50).toBeLessThanOrEqual(run.p95);
      expect(run.p95).toBeLessThanOrEqual(run.p99);
      expect(run.p99).toBeLessThanOrEqual(run.max);
    }
    expect(single.delivered).toBe(requests);
    expect(single.duplicated).toBe(0);
  });

  it('when messages go end to end, then the receiver took each once, every row is sent, and the rate is set against the quorum anchor of this run', () => {
    const e2e = result.results['end-to-end']!;
    expect(e2e).toMatchObject({ messages, requests: 1, delivered: messages, lost: 0, duplicated: 0, notSent: {} });
    expect(e2e.deliveredPerSecond).toBeGreaterThan(0);
    expect(e2e.throughMs).toBeGreaterThanOrEqual(e2e.acceptMs);
    // the trace events account for every message: each claim and outcome statement carried at least one
    expect(e2e.perStatement.claim).toBeGreaterThanOrEqual(1);
    expect(e2e.perStatement.record).toBeGreaterThanOrEqual(1);
    expect(e2e.spans.callMs).toBeGreaterThan(0);
    expect(e2e.spans.claimToSentMs).toBeGreaterThanOrEqual(e2e.spans.callMs);
    expect(e2e.cpuMsPerMessage).toBeGreaterThan(0);
    expect(e2e.dbCpuMsPerMessage).toBeGreaterThan(0);
    expect(e2e.anchorPerSecond).toBe(result.results['queue-choice']!.rows.find((row) => row.design === 'quorum')!.throughPerSecond);
  });

  it('when sends are offered at a rate, then each accepted one has its queued-to-sent span from the trace events', () => {
    const latency = result.results['queue-to-sent']!;
    expect(latency.offered.statuses).toEqual({ 202: tiny.rate * tiny.seconds });
    expect(latency.messages).toBe(tiny.rate * tiny.seconds);
    expect(latency.p50).toBeGreaterThan(0);
    expect(latency.p50).toBeLessThanOrEqual(latency.p99);
    expect(latency.p99).toBeLessThanOrEqual(latency.max);
    expect(latency.callP99).toBeGreaterThan(0);
  });

  it('when the run ends, then each pipeline stage printed its whole table with the goal and the load, and dropped its bench database', async () => {
    const pipelineReports = result.reports.slice(2);
    expect(pipelineReports.map((report) => report.id)).toEqual(['batch-accept', 'single-send', 'end-to-end', 'queue-to-sent']);
    for (const { markdown } of pipelineReports) {
      const rows = markdown.split('\n').filter((line) => line.startsWith('| '));
      expect(rows.length).toBeGreaterThanOrEqual(1 + 2);
      for (const line of rows) expect(line).not.toMatch(/NaN|undefined|Infinity/u);
      expect(markdown).toMatch(/load average \d+\.\d\d \d+\.\d\d \d+\.\d\d/u);
      expect(markdown).toMatch(/✓ met|✗ missed/u);
    }
    const databases = logged.flatMap((line) => /(doitcrm_bench_dispatcher_\d+): migrated/u.exec(line)?.[1] ?? []);
    expect(databases).toHaveLength(4);
    const { rows } = await withAdmin((admin) => admin.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [databases]));
    expect(rows).toEqual([]);
  });

  it('when the run ends, then it printed a whole table per stage and a decision with its reasons', () => {
    expect(result.reports.map((report) => report.id).slice(0, 2)).toEqual(['queue-choice', 'overtaking']);
    const tableRows = (markdown: string) => markdown.split('\n').filter((line) => line.startsWith('| '));
    expect(tableRows(result.reports[0]!.markdown)).toHaveLength(1 + 5);
    const overtaking = result.reports[1]!.markdown;
    expect(tableRows(overtaking)).toHaveLength(1 + 3);
    for (const line of [...tableRows(result.reports[0]!.markdown), ...tableRows(overtaking)]) expect(line).not.toMatch(/NaN|undefined|Infinity/u);
    expect(overtaking).toMatch(/\*\*Decision: (four tier quorum queues \(topology\.ts\)|one classic queue, x-max-priority 4|none)\*\*/u);
    expect(overtaking.split('\n').filter((line) => line.startsWith('- ')).length).toBeGreaterThanOrEqual(3);
    expect(result.load.start).toHaveLength(3);
  });

  it('when the run ends, then every queue and exchange it declared — the anchors, the tier topology, the priority queues — is gone from the broker', async () => {
    const expectedQueues = ['anchor.classic', 'anchor.quorum', 'priority4', 'priority10', ...PRIORITY_TIERS.map((tier) => sendQueue(BENCH_CHANNEL, tier))].map((name) => ns.name(name));
    expect(result.declared.queues.sort()).toEqual(expectedQueues.sort());
    expect(result.declared.exchanges).toEqual([ns.name(SEND_EXCHANGE)]);
    for (const queue of result.declared.queues) expect(await queueExists(queue), queue).toBe(false);
    expect(await exchangeExists(ns.name(SEND_EXCHANGE))).toBe(false);
    // the dispatcher processes' own topology, declared under the run's namespace, one per pipeline stage
    for (const stage of ['batch', 'single', 'e2e', 'latency']) {
      for (const tier of PRIORITY_TIERS) expect(await queueExists(ns.name(`${stage}.${sendQueue('app_webhook', tier)}`)), stage).toBe(false);
      expect(await exchangeExists(ns.name(`${stage}.${SEND_EXCHANGE}`)), stage).toBe(false);
    }
  });
});

it('when the benchmark is stopped with Ctrl-C mid-run, then it deletes the queue it was filling and exits with 130', async () => {
  // a backlog far too big to finish: the plain queue of the overtaking stage fills, with no consumer yet
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--backlog', '2000000', '--stages', 'overtaking'], {
    env: { ...process.env, AMQP_URL }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = once(child, 'exit');
  const queue = `benchdispatch${child.pid}.anchor.quorum`;
  try {
    await waitFor('the backlog filling the plain queue', () =>
      withChannel(connection, (channel) => channel.checkQueue(queue)).then((ok) => ok.messageCount > 1_000, () => false), { timeoutMs: 60_000 });
    child.kill('SIGINT');
    const [status] = await exited;
    expect(status, output).toBe(130);
    expect(output).toContain('clean-up: deleted 1 queues');
    expect(await queueExists(queue)).toBe(false);
  } finally {
    child.kill('SIGKILL');
    // had the run not cleaned up, the test must not leave the queue behind either
    await withChannel(connection, (channel) => channel.deleteQueue(queue)).catch(() => {});
  }
}, 90_000);
