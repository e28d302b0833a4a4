// Throwaway PostgreSQL, Redis and RabbitMQ servers of `npm run faults`, on ports and in a temp dir of their own:
// the fault schedule restarts and kills them, so it must never touch the servers other work runs against.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(200);
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
}

export async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', () => reject(new Error(`port ${port} (${what}) is taken: stop what listens there or change FAULTS_PORT_BASE`)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, timeoutMs);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
  });
}

/** A server process the schedule can stop, kill and start again, logging to a file in the temp dir. */
abstract class Instance {
  protected child: ChildProcess | undefined;
  constructor(readonly name: string, readonly port: number, protected readonly dir: string) {}
  protected abstract spawnServer(): ChildProcess;
  protected log(): number {
    return fs.openSync(path.join(this.dir, `${this.name}.log`), 'a');
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  async start(): Promise<void> {
    this.child = this.spawnServer();
    await waitForPort(this.port, 90_000, this.name);
  }
  /** A clean stop (what `systemctl restart` does). */
  async stop(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGTERM');
    await waitForExit(this.child, 60_000);
  }
  async kill9(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await waitForExit(this.child, 10_000);
  }
}

function postgresBin(): string {
  const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((dir) => fs.existsSync(path.join(dir, 'postgres')));
  if (!found) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)');
  return found;
}

/** PostgreSQL runs as the `postgres` OS user (it refuses root), on a data dir it owns. */
export class PostgresInstance extends Instance {
  private readonly bin = postgresBin();
  private readonly data = path.join(this.dir, 'pg');
  private readonly asPostgres = process.getuid?.() === 0;

  private command(program: string, args: string[]): [string, string[]] {
    return this.asPostgres ? ['runuser', ['-u', 'postgres', '--', path.join(this.bin, program), ...args]] : [path.join(this.bin, program), args];
  }

  init(): void {
    fs.mkdirSync(this.data, { recursive: true, mode: 0o700 });
    if (this.asPostgres) spawnSync('chown', ['-R', 'postgres:postgres', this.data]);
    const [cmd, args] = this.command('initdb', ['-D', this.data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    const result = spawnSync(cmd, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`initdb failed: ${result.stderr || result.stdout}`);
  }

  protected spawnServer(): ChildProcess {
    const [cmd, args] = this.command('postgres', ['-D', this.data, '-p', String(this.port), '-k', this.data, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off', '-c', 'max_connections=200', '-c', 'shared_buffers=256MB']);
    const log = this.log();
    return spawn(cmd, args, { stdio: ['ignore', log, log] });
  }

  /** `pg_ctl stop -m fast`: SIGINT to the postmaster, which ends every session. */
  override async stop(): Promise<void> {
    this.signal('SIGINT');
    if (this.child) await waitForExit(this.child, 60_000);
  }

  /** `pg_ctl stop -m immediate`: SIGQUIT, as after a crash; the next start runs crash recovery. */
  async crash(): Promise<void> {
    this.signal('SIGQUIT');
    if (this.child) await waitForExit(this.child, 30_000);
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid) process.kill(pid, signal);
  }

  /** The postmaster runs under runuser: signal the server itself, not the wrapper. */
  override get pid(): number | undefined {
    const file = path.join(this.data, 'postmaster.pid');
    return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').split('\n')[0]) : undefined;
  }
}

export class RedisInstance extends Instance {
  protected spawnServer(): ChildProcess {
    const log = this.log();
    return spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir],
      { stdio: ['ignore', log, log] });
  }
}

/** RabbitMQ with a node name, ports, Erlang cookie (HOME), data and logs of its own; `rabbitmqctl -n` controls it. */
export class RabbitInstance extends Instance {
  readonly node = 'doitcrm-faults@localhost';
  private readonly home = path.join(this.dir, 'rabbit-home');

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      HOME: this.home,
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.port + 1),
      RABBITMQ_MNESIA_BASE: path.join(this.dir, 'rabbit-mnesia'),
      RABBITMQ_LOG_BASE: path.join(this.dir, 'rabbit-log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(this.dir, 'rabbit-enabled-plugins'),
      RABBITMQ_CONFIG_FILE: path.join(this.dir, 'rabbitmq'),
      RABBITMQ_ADVANCED_CONFIG_FILE: path.join(this.dir, 'rabbit-advanced.config'),
      RABBITMQ_PID_FILE: path.join(this.dir, 'rabbit.pid'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    };
  }

  prepare(): void {
    for (const dir of [this.home, path.join(this.dir, 'rabbit-mnesia'), path.join(this.dir, 'rabbit-log')]) fs.mkdirSync(dir, { recursive: true });
    // no plugins: the shared broker's management UI keeps its port
    fs.writeFileSync(path.join(this.dir, 'rabbit-enabled-plugins'), '[].\n');
  }

  protected spawnServer(): ChildProcess {
    const log = this.log();
    return spawn('/usr/lib/rabbitmq/bin/rabbitmq-server', [], { cwd: this.dir, env: this.env(), stdio: ['ignore', log, log], detached: true });
  }

  ctl(args: string[]): string {
    const result = spawnSync('/usr/lib/rabbitmq/bin/rabbitmqctl', ['-n', this.node, ...args], { env: this.env(), encoding: 'utf8', timeout: 90_000 });
    return `${result.stdout}${result.stderr}`;
  }

  override async start(): Promise<void> {
    await super.start();
    this.ctl(['await_startup', '--timeout', '90']);
  }

  override async stop(): Promise<void> {
    if (!this.child) return;
    this.ctl(['stop']);
    await waitForExit(this.child, 60_000);
  }

  /** The Erlang VM itself (the script wrapper's child), as an OOM kill would. */
  override async kill9(): Promise<void> {
    const beam = Number(this.ctl(['eval', 'os:getpid().']).match(/"(\d+)"/)?.[1]);
    if (beam) process.kill(beam, 'SIGKILL');
    if (this.child) await waitForExit(this.child, 30_000);
  }
}
