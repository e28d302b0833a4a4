// The dispatcher as `npm start` runs it, for the pipeline's stages: its real start.ts in a process of its own (API,
// outbox relay, due poller and channel workers) on a fresh bench database, a RabbitMQ namespace under the run's own
// and a Redis prefix of its own, sending to an app-webhook receiver fake that counts deliveries per X-Message-Id.
// The app_webhook channel has no quiet hours and no provider limits (dispatch-settings.ts DEFAULT_DISPATCH_SETTINGS,
// packages/limits DOCUMENTED_LIMITS), so nothing but the pipeline itself decides the rates. Everything started here
// is torn down through the stage's `defer`, in reverse: the process, its queues and exchanges, the fake, the database.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import amqplib from 'amqplib';
import pg from 'pg';
import { migrate } from '@doitcrm/db';
import { createAppWebhookReceiver, type AppWebhookReceiver } from '@doitcrm/fakes';
import { benchDatabase, startServiceProcess, type ServiceProcess } from '@doitcrm/kit/testing';
import { signIn } from '../../../scripts/bench-http/services.ts';
import type { StageContext } from './stages.ts';

/** the setting the bench template's webhook_secret_ref names (the receiver's secret is passed to the process under it) */
const SECRET_REF = 'BENCH_WEBHOOK_SECRET';

export interface Pipeline {
  baseUrl: string;
  /** the bench admin's session, signed in through POST /api/auth/login */
  cookie: string;
  /** an active app_webhook template whose body takes `{{n}}` */
  templateId: number;
  receiver: AppWebhookReceiver;
  /** the bench database, for counting rows and reading trace events */
  pool: pg.Pool;
  service: ServiceProcess;
  /** a JSON request with the session; resolves with the status and the parsed body */
  request(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: unknown }>;
}

/**
 * Deletes what the service declared under `namespace`: the process declared it, so the bench's own namespace list
 * does not know the names, and AMQP cannot list them; rabbitmqctl can (as scripts/bench-http does).
 */
export async function deleteServiceNamespace(amqpUrl: string, namespace: string, log: (line: string) => void): Promise<void> {
  const list = (what: 'list_queues' | 'list_exchanges') => {
    const listed = spawnSync('rabbitmqctl', ['-q', what, 'name'], { encoding: 'utf8' });
    return listed.status === 0 ? listed.stdout.split('\n').map((line) => line.trim()).filter((name) => name.startsWith(namespace)) : null;
  };
  const queues = list('list_queues');
  const exchanges = list('list_exchanges');
  if (!queues || !exchanges) {
    log(`rabbitmqctl not found: the queues and exchanges named ${namespace}* are left in the broker`);
    return;
  }
  const connection = await amqplib.connect(amqpUrl);
  connection.on('error', () => {});
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
  } finally {
    await connection.close().catch(() => {});
  }
}

/** Starts the dispatcher for one stage (`name` keeps the stages' namespaces, prefixes and databases apart). */
export async function startPipeline(context: StageContext, name: string): Promise<Pipeline> {
  const { defer, ns, log } = context;
  const started = performance.now();
  const db = benchDatabase('dispatcher', {});
  defer(() => db.finish());
  await migrate({ databaseUrl: db.url });
  const migrated = performance.now();
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  defer(() => pool.end());

  const receiver = createAppWebhookReceiver();
  const listening = await receiver.listen(0, '127.0.0.1');
  defer(() => listening.close());

  const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const config = {
    DATABASE_URL: db.url,
    AMQP_URL: amqpUrl,
    // inside the run's namespace, so the queue names say which bench run and stage left them
    AMQP_NAMESPACE: ns.name(`${name}.`),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `${ns.prefix.slice(0, -1)}:${name}:`,
  };
  // registered before the process starts, so it runs after the process stopped
  defer(() => deleteServiceNamespace(amqpUrl, config.AMQP_NAMESPACE, log));
  const service = await startServiceProcess({ context: { config } }, 'services/dispatcher/src/start.ts', {
    DISPATCH_WORKERS: 'true',
    DISPATCH_WEBHOOK_ALLOW_HOSTS: new URL(listening.url).host,
    [SECRET_REF]: receiver.secret,
    CHANNEL_TIMEOUT_MS: '5000',
    // BENCH_DISPATCHER_CPU_PROF=<folder>: a CPU profile of each dispatcher process, written when it stops (cpu-profile.mjs)
    ...(process.env.BENCH_DISPATCHER_CPU_PROF ? { NODE_OPTIONS: `--import ${fileURLToPath(new URL('./cpu-profile.mjs', import.meta.url))}` } : {}),
  });
  defer(() => service.stop());

  log(`  ${db.name}: migrated in ${((migrated - started) / 1000).toFixed(1)} s, the dispatcher listening ${((performance.now() - migrated) / 1000).toFixed(1)} s later`);
  const cookie = await signIn(db.url, service.baseUrl);
  const request: Pipeline['request'] = async (path, init = {}) => {
    const response = await fetch(`${service.baseUrl}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { cookie, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the text is the body
    }
    return { status: response.status, body };
  };
  const created = await request('/api/templates', {
    body: {
      name: `基准-${name}-${randomUUID().slice(0, 8)}`, channel: 'app_webhook', body: '基准通知 {{n}}', sampleVariables: { n: '1' },
      webhookUrl: `${listening.url}/hooks/bench`, webhookSecretRef: SECRET_REF,
    },
  });
  if (created.status !== 201 && created.status !== 200) throw new Error(`creating the bench template: ${created.status} ${JSON.stringify(created.body).slice(0, 300)}`);
  return { baseUrl: service.baseUrl, cookie, templateId: (created.body as { id: number }).id, receiver, pool, service, request };
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux; null elsewhere): the dispatcher's CPU per
 * message says whether a goal is out of reach of the box's cores, or lost to waiting.
 */
export function cpuMsOf(pid: number | undefined): number | null {
  try {
    // fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses (proc(5)); in clock ticks of 10 ms
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * CPU (ms) so far of each PostgreSQL backend serving the pipeline's database, by pid (the dispatcher's pool and this
 * bench's few queries), from /proc: the database's share of a message's cost, which the dispatcher's own CPU leaves
 * out. Backends that exit in between take their CPU with them, so the difference of two readings is a lower bound.
 */
export async function backendCpuMs(pool: pg.Pool): Promise<Map<number, number> | null> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const byPid = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = cpuMsOf(pid);
    if (ms === null) return null;
    byPid.set(pid, ms);
  }
  return byPid;
}

/** CPU the backends used between two readings of backendCpuMs (a backend new in the second counts from zero). */
export function backendCpuSpent(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let spent = 0;
  for (const [pid, ms] of after) spent += ms - (before.get(pid) ?? 0);
  return spent;
}

/** Resolves once `done()` holds, checking every 50 ms; throws after `timeoutMs` with what it was waiting for. */
export async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`${what}: not done after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Of the trace ids: how many the receiver delivered, how many it delivered more than once (its ledger, as the fakes
 * count a duplicate), and how many repeated calls it absorbed by their X-Message-Id — the retries of a call whose
 * answer the dispatcher did not get in time, which the webhook contract makes the receiver's to deduplicate.
 */
export function deliveredOf(receiver: AppWebhookReceiver, traceIds: ReadonlySet<string>): { delivered: number; duplicated: number; absorbed: number } {
  let delivered = 0;
  let duplicated = 0;
  for (const id of traceIds) {
    const n = receiver.deliveries.count(id);
    if (n > 0) delivered += 1;
    if (n > 1) duplicated += n - 1;
  }
  let calls = 0;
  for (const hook of receiver.received) if (traceIds.has(hook.messageId)) calls += 1;
  return { delivered, duplicated, absorbed: calls - delivered - duplicated };
}

/** Retry trace events of the messages: provider calls that failed or timed out and were sent again (send-message.ts). */
export async function retriesOf(pipeline: Pipeline, traceIds: ReadonlySet<string>): Promise<number> {
  const { rows: [row] } = await pipeline.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM dispatch.trace_events WHERE stage = 'retry' AND trace_id = ANY($1::uuid[])", [[...traceIds]]);
  return row!.n;
}
