import type { Queryable } from '@doitcrm/kit';

// small batches: each DELETE is its own short transaction, so the weekly clean-up never holds long locks on tables the
// callback applier and a running sync write to
const BATCH = 5_000;

async function deleteInBatches(db: Queryable, sql: string, cutoff: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(sql, [cutoff, BATCH]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return total;
  }
}

/** contacts.changes rows (what each run changed) recorded before the cutoff. */
export function pruneChanges(db: Queryable, cutoff: Date): Promise<number> {
  return deleteInBatches(db, 'DELETE FROM contacts.changes WHERE id IN (SELECT id FROM contacts.changes WHERE at < $1 ORDER BY id LIMIT $2)', cutoff);
}

/** Applied callbacks received before the cutoff; unapplied ones stay whatever their age (they are still work). */
export function pruneAppliedCallbacks(db: Queryable, cutoff: Date): Promise<number> {
  return deleteInBatches(db,
    `DELETE FROM contacts.callback_inbox WHERE id IN (
       SELECT id FROM contacts.callback_inbox WHERE applied_at IS NOT NULL AND received_at < $1 ORDER BY id LIMIT $2)`, cutoff);
}
