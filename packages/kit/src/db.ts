import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from './logger.ts';

// bigint (count(*), bigserial) arrives as a JS number: our counts stay far below 2^53
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export function createPool(options: { databaseUrl: string; logger?: Logger; max?: number; applicationName?: string }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    application_name: options.applicationName,
    // Requests run short queries; PostgreSQL's JIT compiles whenever its cost model guesses long (correlated
    // sub-plans inflate the guess), which measured 20-60 ms of compiling on top of 10-30 ms list queries.
    options: '-c jit=off',
  });
  // an idle client losing its connection (PostgreSQL restart) must not crash the process
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle PostgreSQL client lost its connection'));
  // pg-pool listens for errors only while a client is idle. A checked-out client (a transaction, a lock held
  // across a job, a COPY, the outbox relay waiting for a broker confirm) whose server goes away emits `error`
  // with no listener, which Node turns into an uncaught exception that stops the whole service. Its queries
  // fail anyway (the caller retries), and pg-pool discards a broken client on release: logging is all that is left.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.logger?.warn({ err: error }, 'PostgreSQL connection lost while in use; its work fails and is retried'));
  });
  return pool;
}

/** Runs fn in one transaction on one client: commit when it resolves, roll back when it throws. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

// admin shutdown / crash shutdown / cannot connect now, connection exceptions, and the socket errors under them
const CONNECTION_LOSS_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

/**
 * Whether an error is PostgreSQL going away (a restart, a dropped connection) rather than the statement's own fault:
 * the same statement on a new connection may well succeed. SQLSTATE classes 08 and 57P, see
 * https://www.postgresql.org/docs/current/errcodes-appendix.html.
 */
export function isConnectionLoss(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return (code !== undefined && CONNECTION_LOSS_CODES.has(code))
    || /Connection terminated|connection lost|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message ?? '');
}

/**
 * Runs `work` again while PostgreSQL is away (1 s, 2 s, 4 s … up to 10 s apart, for at most `forMs`): for a write that
 * must not be lost because the work before it cannot be repeated for free (a paid AI answer, an external call).
 */
export async function retryOnConnectionLoss<T>(work: () => Promise<T>, options: { forMs?: number; logger?: Logger } = {}): Promise<T> {
  const deadline = Date.now() + (options.forMs ?? 120_000);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const delay = Math.min(1_000 * 2 ** (attempt - 1), 10_000);
      if (!isConnectionLoss(error) || Date.now() + delay > deadline) throw error;
      options.logger?.warn({ err: error, attempt }, `PostgreSQL unavailable; trying again in ${delay / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export async function pingDatabase(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}

/** ISO 8601 with offset for APIs; null stays null. */
export function toIso(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}

/**
 * A named (prepared) statement, named after its text: PostgreSQL parses and plans a hot read once per connection
 * instead of on every call, where planning costs about as much as running it. Dynamic SQL is fine: each distinct
 * text is its own statement.
 */
export function prepared(text: string, values: unknown[] = []): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) {
    // hashed once per text: the dispatcher's workers name a statement hundreds of times a second
    if (statementNames.size >= 1_000) statementNames.clear();
    name = `q_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}
const statementNames = new Map<string, string>();
