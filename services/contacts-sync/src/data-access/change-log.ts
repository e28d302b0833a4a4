import type { Queryable } from '@doitcrm/kit';

export type Entity = 'staff' | 'contact' | 'relation' | 'group';
export type Change = 'added' | 'updated' | 'lost' | 'restored';

export interface ChangeRow {
  entity: Entity;
  key: string;
  change: Change;
}

/** One row per change of the run, written set-based with the writes it describes. */
export async function recordChanges(db: Queryable, runId: number, changes: readonly ChangeRow[]): Promise<void> {
  if (changes.length === 0) return;
  await db.query(
    `INSERT INTO contacts.changes (run_id, entity, entity_key, change)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])`,
    [runId, changes.map((c) => c.entity), changes.map((c) => c.key), changes.map((c) => c.change)],
  );
}

/** What a written row was before the write: nothing (inserted), another status (restored), or the same (updated). */
export function changeOf(inserted: boolean, wasActive: boolean | null): Change {
  if (inserted) return 'added';
  return wasActive === false ? 'restored' : 'updated';
}
