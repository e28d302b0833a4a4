import type { Queryable } from '@doitcrm/kit';

export type LinkEntity = 'student' | 'class' | 'guardianship';

/**
 * What an earlier import made of a row of the original. `deletedHere`: the row it made was deleted here since, and an
 * import keeps that edit like any other (it does not bring the row back).
 */
export async function findLink(db: Queryable, source: string, entity: LinkEntity, key: string, table: 'crm.classes' | 'crm.students'): Promise<{ localId: number | null; deletedHere: boolean }> {
  const { rows } = await db.query<{ local_id: string; present: boolean }>(
    `SELECT l.local_id, EXISTS (SELECT 1 FROM ${table} t WHERE t.id = l.local_id) AS present
     FROM chat.legacy_links l WHERE l.source = $1 AND l.entity = $2 AND l.legacy_key = $3`, [source, entity, key]);
  const row = rows[0];
  if (!row) return { localId: null, deletedHere: false };
  return row.present ? { localId: Number(row.local_id), deletedHere: false } : { localId: null, deletedHere: true };
}

export async function saveLink(db: Queryable, source: string, entity: LinkEntity, key: string, localId: number): Promise<void> {
  await db.query(
    `INSERT INTO chat.legacy_links (source, entity, legacy_key, local_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (source, entity, legacy_key) DO UPDATE SET local_id = EXCLUDED.local_id WHERE chat.legacy_links.local_id <> EXCLUDED.local_id`,
    [source, entity, key, localId]);
}
