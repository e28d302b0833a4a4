import type pg from 'pg';

/**
 * PostgreSQL advisory locks keyed by a readable name (hashed with `hashtext`), so every process that names the same
 * work waits for the same lock. See https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS.
 */

/** Holds the lock for the rest of the caller's transaction: released by COMMIT or ROLLBACK. */
export async function lockForTransaction(client: Pick<pg.PoolClient, 'query'>, key: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
}

/**
 * Runs work while this process holds a session-level lock on its own connection, across as many transactions as
 * work opens. A second holder of the same key (another process, a redelivered message) waits until the first is
 * done; with `wait: false` it does not wait and gets `{ acquired: false }` instead.
 */
export async function withAdvisoryLock<T>(
  pool: pg.Pool,
  key: string,
  work: () => Promise<T>,
  options: { wait?: boolean } = {},
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  const lockClient = await pool.connect();
  // a connection that dies while held must not crash the process; the session's end releases the lock anyway
  const onError = () => {};
  lockClient.on('error', onError);
  let broken = false;
  let held = false;
  try {
    if (options.wait === false) {
      const { rows } = await lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key]);
      if (!rows[0]?.ok) return { acquired: false };
    } else {
      await lockClient.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    }
    held = true;
    return { acquired: true, value: await work() };
  } finally {
    if (held) {
      await lockClient.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => {
        broken = true;
      });
    }
    lockClient.off('error', onError);
    // a connection that could not unlock is dropped: closing the session releases the lock
    lockClient.release(broken);
  }
}
