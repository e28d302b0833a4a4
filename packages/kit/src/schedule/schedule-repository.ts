import type { Queryable } from '../db.ts';

/** A run this process won: its tick and the fence number that identifies it. */
export interface ScheduleClaim {
  fence: number;
  slot: Date;
}

/** Thrown when a runner checks its fence and a newer runner has claimed the schedule since. */
export class StaleFenceError extends Error {
  constructor(readonly schedule: string, readonly fence: number) {
    super(`schedule ${schedule}: fence ${fence} has been overtaken by a newer run; its work must not commit`);
    this.name = 'StaleFenceError';
  }
}

/**
 * Claims the tick `slot` for `owner` in one statement: it succeeds only when no one has claimed this tick (or a
 * later one) and no runner holds an unexpired lease. The fence grows by one on every claim.
 */
export async function claimSlot(db: Queryable, input: { name: string; slot: Date; owner: string; leaseMs: number }): Promise<ScheduleClaim | null> {
  const { rows } = await db.query<{ fence: number }>(
    `INSERT INTO ops.schedules AS s (name, fence, slot, owner, lease_until, started_at)
     VALUES ($1, 1, $2, $3, now() + make_interval(secs => $4::double precision / 1000), now())
     ON CONFLICT (name) DO UPDATE
        SET fence = s.fence + 1, slot = EXCLUDED.slot, owner = EXCLUDED.owner,
            lease_until = EXCLUDED.lease_until, started_at = EXCLUDED.started_at
      WHERE s.slot < EXCLUDED.slot AND (s.lease_until IS NULL OR s.lease_until < now())
     RETURNING fence`,
    [input.name, input.slot, input.owner, input.leaseMs],
  );
  return rows[0] ? { fence: rows[0].fence, slot: input.slot } : null;
}

/** Extends the lease of a running claim; false when the fence has moved on (the lease ran out and another claimed). */
export async function renewLease(db: Queryable, name: string, fence: number, leaseMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ops.schedules SET lease_until = now() + make_interval(secs => $3::double precision / 1000)
      WHERE name = $1 AND fence = $2 AND lease_until IS NOT NULL`,
    [name, fence, leaseMs],
  );
  return rowCount === 1;
}

/** Ends a claim: records how it went and frees the lease, only if the claim is still the current one. */
export async function finishClaim(db: Queryable, name: string, fence: number, outcome: { durationMs: number; error?: string }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ops.schedules
        SET lease_until = NULL, finished_at = now(), duration_ms = $3,
            failures = failures + CASE WHEN $4::text IS NULL THEN 0 ELSE 1 END, last_error = $4
      WHERE name = $1 AND fence = $2`,
    [name, fence, Math.round(outcome.durationMs), outcome.error ?? null],
  );
  return rowCount === 1;
}

/**
 * Inside the runner's own transaction: refuses (throws StaleFenceError) when a newer run has claimed the schedule.
 * `FOR SHARE` keeps the row locked until that transaction ends, so a newer claim waits for the commit instead of
 * slipping in between this check and it (https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS).
 */
export async function assertFence(client: Queryable, name: string, fence: number): Promise<void> {
  const { rows } = await client.query<{ fence: number }>('SELECT fence FROM ops.schedules WHERE name = $1 FOR SHARE', [name]);
  if (rows[0]?.fence !== fence) throw new StaleFenceError(name, fence);
}
