import type { Queryable } from '@doitcrm/kit';

/** The channel a config write notifies on (payload: the key), so watchers reload without waiting for their poll. */
export const CONFIG_CHANNEL = 'dispatch_configs';

export interface ConfigRow {
  key: string;
  value: unknown;
  description: string | null;
  version: number;
  updatedBy: string | null;
  updatedAt: string;
}

export async function listConfigRows(db: Queryable): Promise<ConfigRow[]> {
  const { rows } = await db.query<ConfigRow>(
    `SELECT c.key, c.value, c.description, c.version, u.username AS "updatedBy", to_json(c.updated_at) #>> '{}' AS "updatedAt"
     FROM dispatch.configs c LEFT JOIN auth.users u ON u.id = c.updated_by ORDER BY c.key`);
  return rows;
}

export async function findConfigRowForUpdate(db: Queryable, key: string): Promise<ConfigRow | null> {
  const { rows } = await db.query<ConfigRow>(
    `SELECT c.key, c.value, c.description, c.version, NULL AS "updatedBy", to_json(c.updated_at) #>> '{}' AS "updatedAt"
     FROM dispatch.configs c WHERE c.key = $1 FOR UPDATE`, [key]);
  return rows[0] ?? null;
}

/**
 * Writes the key's next version and notifies watchers (NOTIFY is delivered at commit, so nobody reloads a value that
 * is rolled back). A first write inserts version 1; ON CONFLICT makes two first writers race to a conflict instead of
 * an error, which the caller sees as a version mismatch.
 */
export async function writeConfigRow(db: Queryable, key: string, value: unknown, expectedVersion: number, userId: number | null): Promise<number | null> {
  const { rows } = expectedVersion === 0
    ? await db.query<{ version: number }>(
      `INSERT INTO dispatch.configs (key, value, version, updated_by) VALUES ($1, $2, 1, $3)
       ON CONFLICT (key) DO NOTHING RETURNING version`, [key, JSON.stringify(value), userId])
    : await db.query<{ version: number }>(
      `UPDATE dispatch.configs SET value = $2, version = version + 1, updated_by = $3, updated_at = now()
       WHERE key = $1 AND version = $4 RETURNING version`, [key, JSON.stringify(value), userId, expectedVersion]);
  if (rows.length === 0) return null;
  await db.query('SELECT pg_notify($1, $2)', [CONFIG_CHANNEL, key]);
  return rows[0]!.version;
}

/**
 * Changes whenever any row is written, added or removed: the poll's cheap question "has anything changed?". The sum of
 * versions rather than their maximum, because a key written for the first time starts at version 1 and would leave
 * the maximum where it was.
 */
export async function configFingerprint(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ fingerprint: string }>(
    "SELECT count(*) || ':' || coalesce(sum(version), 0) || ':' || coalesce(max(updated_at)::text, '') AS fingerprint FROM dispatch.configs");
  return rows[0]!.fingerprint;
}
