import { pruneAppliedCallbacks, pruneChanges } from '../data-access/retention-repository.ts';
import type { Queryable } from '@doitcrm/kit';

/**
 * The weekly clean-up: drops the change log and the applied callbacks (their decrypted bodies hold names and
 * remarks) older than the retention. The customers, relations and groups themselves are never pruned: a lost
 * relation is history the page shows.
 */
export async function cleanUp(db: Queryable, retentionDays: number, now = new Date()): Promise<{ changes: number; callbacks: number; cutoff: string }> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const changes = await pruneChanges(db, cutoff);
  const callbacks = await pruneAppliedCallbacks(db, cutoff);
  return { changes, callbacks, cutoff: cutoff.toISOString() };
}
