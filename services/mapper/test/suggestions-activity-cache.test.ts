import { describe, expect, it } from 'vitest';
import type { Queryable } from '@doitcrm/kit';
import { createActivityTotalsCache } from '../src/domain/suggestions/activity-totals.ts';

/** Answers the two queries the cache makes: the fingerprint, and the (expensive) totals, counting the latter. */
function fakeDatabase(state: { fingerprint: string; failNextRead?: boolean }) {
  const calls = { totals: 0 };
  const db = {
    query: async (sql: string) => {
      if (sql.includes('crm.extractions')) return { rows: [{ fingerprint: state.fingerprint }] };
      calls.totals += 1;
      if (state.failNextRead) {
        state.failNextRead = false;
        throw new Error('connection lost');
      }
      return { rows: [{ original_id: 'wmA', room_id: 'wrR', sent: calls.totals, received: 0 }, { original_id: 'wmA', room_id: null, sent: 1, received: 2 }] };
    },
  } as unknown as Queryable;
  return { db, calls };
}

describe('activity totals cache', () => {
  it('when the activity fingerprint is unchanged, then the totals are read once and indexed by user and by room', async () => {
    const { db, calls } = fakeDatabase({ fingerprint: 'f1' });
    const cache = createActivityTotalsCache();

    const [first, second] = await Promise.all([cache(db), cache(db)]);
    const third = await cache(db);

    expect(calls.totals).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(first.byUser.get('wmA')).toHaveLength(2);
    expect(first.byRoom.get('wrR')).toEqual([{ originalId: 'wmA', roomId: 'wrR', sent: 1, received: 0 }]);
  });

  it('when the fingerprint moves (an extraction wrote), or the copy is too old, then the totals are read again', async () => {
    const state = { fingerprint: 'f1' };
    const { db, calls } = fakeDatabase(state);
    let clock = 0;
    const cache = createActivityTotalsCache({ maxAgeMs: 1_000, now: () => clock });
    await cache(db);

    state.fingerprint = 'f2';
    await cache(db);
    clock = 5_000;
    await cache(db);

    expect(calls.totals).toBe(3);
  });

  it('when a read fails, then the failure is not kept: the next request reads again', async () => {
    const state = { fingerprint: 'f1', failNextRead: true };
    const { db, calls } = fakeDatabase(state);
    const cache = createActivityTotalsCache();

    await expect(cache(db)).rejects.toThrow('connection lost');
    const totals = await cache(db);

    expect(calls.totals).toBe(2);
    expect(totals.byUser.size).toBe(1);
  });
});
