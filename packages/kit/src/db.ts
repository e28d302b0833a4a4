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
  return { name: `q_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text, values };
}
