import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BaseConfig } from '../config.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface ServiceProcess {
  child: ChildProcess;
  /** where the service listens, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** every stdout/stderr line so far, for assertions and for the failure message */
  lines: string[];
  /** null while it runs; how it ended once it has */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | null;
  stop(): Promise<void>;
}

/** The settings a service process is started with: a test service's, or a benchmark's own. */
export type ServiceProcessConfig = Pick<BaseConfig, 'DATABASE_URL' | 'AMQP_URL' | 'AMQP_NAMESPACE' | 'REDIS_URL' | 'REDIS_PREFIX'>;

/**
 * A service's real `start.ts` in a process of its own, on a test service's database, RabbitMQ namespace and
 * Redis prefix: for what only a whole process shows (an uncaught exception stopping it, its process hooks), and
 * for benchmarks through HTTP (scripts/bench-http), which pass their own settings in the same shape.
 */
export async function startServiceProcess(
  service: { context: { config: ServiceProcessConfig } },
  startFile: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const { config } = service.context;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, startFile)], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      DATABASE_URL: config.DATABASE_URL,
      AMQP_URL: config.AMQP_URL,
      AMQP_NAMESPACE: config.AMQP_NAMESPACE,
      REDIS_URL: config.REDIS_URL,
      REDIS_PREFIX: config.REDIS_PREFIX,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let ended: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  child.once('exit', (code, signal) => { ended = { code, signal }; });
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
    });
  }

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      for (const line of lines) {
        const port = /"port":(\d+).*listening/.exec(line)?.[1];
        if (port) {
          clearInterval(timer);
          resolve(Number(port));
          return;
        }
      }
      if (ended) {
        clearInterval(timer);
        reject(new Error(`${startFile} exited (${ended.signal ?? ended.code}) before listening:\n${lines.slice(-20).join('\n')}`));
      }
    }, 50);
  });

  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    lines,
    exit: () => ended,
    async stop() {
      if (ended) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
