import type { Queryable } from '@doitcrm/kit';
import { findActivityFingerprint, findActivityTotals, type ActivityTotal } from '../../data-access/suggestion-repository.ts';

/** All-time activity per id and room, indexed both ways. */
export interface ActivityTotals {
  byUser: ReadonlyMap<string, readonly ActivityTotal[]>;
  byRoom: ReadonlyMap<string, readonly ActivityTotal[]>;
}

/** Where the suggestion rules get activity from: read fresh, or a cache. */
export type ActivitySource = (db: Queryable) => Promise<ActivityTotals>;

function indexTotals(rows: readonly ActivityTotal[]): ActivityTotals {
  const byUser = new Map<string, ActivityTotal[]>();
  const byRoom = new Map<string, ActivityTotal[]>();
  for (const row of rows) {
    const forUser = byUser.get(row.originalId) ?? [];
    forUser.push(row);
    byUser.set(row.originalId, forUser);
    if (row.roomId === null) continue;
    const forRoom = byRoom.get(row.roomId) ?? [];
    forRoom.push(row);
    byRoom.set(row.roomId, forRoom);
  }
  return { byUser, byRoom };
}

/** Read fresh from the kept per-(id, chat) totals: for tests, jobs and one-off calls. */
export const readActivityTotals: ActivitySource = async (db) => indexTotals(await findActivityTotals(db));

/**
 * The totals kept in memory until the activity fingerprint moves (an extraction committed) or `maxAgeMs` passes, so
 * paging through suggestions does not re-read and re-index them for every page. What suggestions check against the
 * mapping (roles, students, class links) is always read fresh.
 */
export function createActivityTotalsCache(options: { maxAgeMs?: number; now?: () => number } = {}): ActivitySource & { clear(): void } {
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  let cached: { fingerprint: string; readAt: number; totals: Promise<ActivityTotals> } | null = null;
  const source = async (db: Queryable): Promise<ActivityTotals> => {
    const fingerprint = await findActivityFingerprint(db);
    if (!cached || cached.fingerprint !== fingerprint || now() - cached.readAt > maxAgeMs) {
      // concurrent requests share one read; a failed read is not kept
      const totals = readActivityTotals(db);
      const entry = { fingerprint, readAt: now(), totals };
      cached = entry;
      totals.catch(() => {
        if (cached === entry) cached = null;
      });
    }
    return cached.totals;
  };
  return Object.assign(source, { clear: () => { cached = null; } });
}
