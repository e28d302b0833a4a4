import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, withTransaction, type Pool } from '../db.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { uniqueName } from '../testing/unique.ts';
import { assertFence, claimSlot, finishClaim, StaleFenceError } from './schedule-repository.ts';

let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ databaseUrl: database.url, max: 4 });
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const at = (iso: string) => new Date(iso);

describe('claiming a schedule tick', () => {
  it('when a tick has been claimed, then a second claim of the same tick is refused, even after the run ended', async () => {
    const name = uniqueName('tick');
    const first = await claimSlot(pool, { name, slot: at('2026-03-01T10:00:00Z'), owner: 'a', leaseMs: 60_000 });
    expect(await claimSlot(pool, { name, slot: at('2026-03-01T10:00:00Z'), owner: 'b', leaseMs: 60_000 })).toBeNull();
    await finishClaim(pool, name, first!.fence, { durationMs: 5 });
    expect(await claimSlot(pool, { name, slot: at('2026-03-01T10:00:00Z'), owner: 'b', leaseMs: 60_000 })).toBeNull();
    expect(await claimSlot(pool, { name, slot: at('2026-03-01T09:00:00Z'), owner: 'b', leaseMs: 60_000 })).toBeNull();
  });

  it('when a run still holds its lease, then a later tick is skipped; once it has finished, the next tick gets the next fence', async () => {
    const name = uniqueName('lease');
    const first = await claimSlot(pool, { name, slot: at('2026-03-01T10:00:00Z'), owner: 'a', leaseMs: 60_000 });
    expect(await claimSlot(pool, { name, slot: at('2026-03-01T10:15:00Z'), owner: 'b', leaseMs: 60_000 })).toBeNull();
    await finishClaim(pool, name, first!.fence, { durationMs: 5, error: 'broke' });
    const next = await claimSlot(pool, { name, slot: at('2026-03-01T10:30:00Z'), owner: 'b', leaseMs: 60_000 });
    expect(next).toEqual({ fence: first!.fence + 1, slot: at('2026-03-01T10:30:00Z') });
    const { rows: [row] } = await pool.query('SELECT failures, last_error, owner FROM ops.schedules WHERE name = $1', [name]);
    expect(row).toEqual({ failures: 1, last_error: 'broke', owner: 'b' });
  });

  it('when an older fence is checked in a transaction, then it is refused with StaleFenceError and the current one passes', async () => {
    const name = uniqueName('fence');
    const old = await claimSlot(pool, { name, slot: at('2026-03-01T10:00:00Z'), owner: 'a', leaseMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const newer = await claimSlot(pool, { name, slot: at('2026-03-01T10:15:00Z'), owner: 'b', leaseMs: 60_000 });

    await expect(withTransaction(pool, (client) => assertFence(client, name, old!.fence))).rejects.toBeInstanceOf(StaleFenceError);
    await expect(withTransaction(pool, (client) => assertFence(client, name, newer!.fence))).resolves.toBeUndefined();
    // the overtaken run's end does not touch the newer run's row
    expect(await finishClaim(pool, name, old!.fence, { durationMs: 5 })).toBe(false);
  });
});
