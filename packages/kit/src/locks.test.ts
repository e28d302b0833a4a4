import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { lockForTransaction, withAdvisoryLock } from './locks.ts';
import { withTransaction } from './db.ts';
import { uniqueName } from './testing/unique.ts';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', max: 4 });
afterAll(async () => {
  await pool.end();
});

describe('advisory locks keyed by name', () => {
  it('when two holders ask for the same key, then the second runs only after the first has finished', async () => {
    const key = uniqueName('lock');
    const events: string[] = [];
    let releaseFirst!: () => void;
    const firstMayEnd = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = withAdvisoryLock(pool, key, async () => {
      events.push('first start');
      await firstMayEnd;
      events.push('first end');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = withAdvisoryLock(pool, key, async () => {
      events.push('second start');
      return 7;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toEqual(['first start']);
    releaseFirst();
    await first;
    expect(await second).toEqual({ acquired: true, value: 7 });
    expect(events).toEqual(['first start', 'first end', 'second start']);
  });

  it('when the key is held and the caller does not wait, then its work does not run and the lock is free again afterwards', async () => {
    const key = uniqueName('lock');
    let ran = false;
    const outcome = await withAdvisoryLock(pool, key, () => withAdvisoryLock(pool, key, async () => { ran = true; }, { wait: false }));
    expect(outcome).toEqual({ acquired: true, value: { acquired: false } });
    expect(ran).toBe(false);
    expect(await withAdvisoryLock(pool, key, async () => 'again', { wait: false })).toEqual({ acquired: true, value: 'again' });
  });

  it('when the work throws, then the lock is released and the error reaches the caller', async () => {
    const key = uniqueName('lock');
    await expect(withAdvisoryLock(pool, key, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await withAdvisoryLock(pool, key, async () => 1, { wait: false })).toEqual({ acquired: true, value: 1 });
  });

  it('when a transaction holds the key, then a session holder waits until it commits', async () => {
    const key = uniqueName('lock');
    const order: string[] = [];
    let commit!: () => void;
    const mayCommit = new Promise<void>((resolve) => (commit = resolve));
    const tx = withTransaction(pool, async (client) => {
      await lockForTransaction(client, key);
      order.push('tx locked');
      await mayCommit;
      order.push('tx commit');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const session = withAdvisoryLock(pool, key, async () => { order.push('session'); });
    await new Promise((resolve) => setTimeout(resolve, 100));
    commit();
    await Promise.all([tx, session]);
    expect(order).toEqual(['tx locked', 'tx commit', 'session']);
  });
});
