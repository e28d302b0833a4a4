// The five services as `npm start` runs them (each its own process on a free port), on the benchmark's database and
// a RabbitMQ namespace and Redis prefix of their own, a bench admin signed in through the HTTP login, and a bare
// Express "hello" process as the anchor every figure is divided by.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import pg from 'pg';
import { addUser } from '@doitcrm/kit';
import { startServiceProcess, type ServiceProcess } from '@doitcrm/kit/testing';

export const SERVICE_NAMES = ['dashboard', 'etl', 'mapper', 'messages', 'roster'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface Suite {
  baseUrl: Record<ServiceName, string>;
  helloUrl: string;
  /** the session cookie of the bench admin, valid at every service of the host */
  cookie: string;
  stop(): Promise<void>;
}

/** Starts everything; on a failure half-way, stops what did start. */
export async function startSuite(databaseUrl: string): Promise<Suite> {
  const tag = `benchhttp${process.pid}`;
  const config = {
    DATABASE_URL: databaseUrl,
    AMQP_URL: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    AMQP_NAMESPACE: `${tag}.`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `${tag}:`,
  };
  const started: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((service) => service.stop()));
    await deleteNamespace(config.AMQP_URL, config.AMQP_NAMESPACE);
  };
  try {
    const baseUrl = {} as Record<ServiceName, string>;
    // at info, as `npm start` runs them: a request's log line is part of what it costs
    await Promise.all(SERVICE_NAMES.map(async (name) => {
      const service = await startServiceProcess({ context: { config } }, `services/${name}/src/start.ts`);
      started.push(service);
      baseUrl[name] = service.baseUrl;
    }));
    const hello = await startHello();
    started.push(hello);
    const cookie = await signIn(databaseUrl, baseUrl.messages);
    return { baseUrl, helloUrl: hello.baseUrl, cookie, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Removes the queues and exchanges the services declared under the run's namespace: each run has its own, and left
 * behind they piled up in the broker run after run. The names come from rabbitmqctl (the services' processes are gone,
 * and AMQP cannot list); without it, the namespace is left and said so.
 */
async function deleteNamespace(amqpUrl: string, namespace: string): Promise<void> {
  const list = (what: 'list_queues' | 'list_exchanges') => {
    const listed = spawnSync('rabbitmqctl', ['-q', what, 'name'], { encoding: 'utf8' });
    return listed.status === 0 ? listed.stdout.split('\n').map((line) => line.trim()).filter((name) => name.startsWith(namespace)) : null;
  };
  const queues = list('list_queues');
  const exchanges = list('list_exchanges');
  if (!queues || !exchanges) {
    console.log(`rabbitmqctl not found: the queues and exchanges named ${namespace}* are left in the broker`);
    return;
  }
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
}

/** A bench admin (a new one each run, its password never shown) signed in through POST /api/auth/login. */
export async function signIn(databaseUrl: string, baseUrl: string): Promise<string> {
  const username = `bench_http_${Date.now()}`;
  const password = randomBytes(18).toString('base64url');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await addUser({ db: pool, service: 'bench' }, { username, password, role: 'admin', displayName: 'bench:http' });
  } finally {
    await pool.end();
  }
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const setCookie = response.headers.getSetCookie();
  if (setCookie.length === 0) throw new Error('login set no cookie');
  return setCookie.map((header) => header.split(';')[0]!).join('; ');
}

/** The anchor: a bare Express app answering "hello", in a process of its own like the services. */
export async function startHello(): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./hello-server.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the hello server exited (${code})`)));
  });
  return {
    child, baseUrl: `http://127.0.0.1:${port}`, lines: [], exit: () => null,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
