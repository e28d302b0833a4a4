import type { Queryable } from '@doitcrm/kit';
import type { Freshness } from '../contract.ts';

export async function readFreshness(db: Queryable): Promise<Freshness> {
  const { rows } = await db.query<{ full_built_at: Date | null; refreshed_at: Date | null; covered_until: Date | null; alerts_evaluated_at: Date | null }>(
    'SELECT full_built_at, refreshed_at, covered_until, alerts_evaluated_at FROM dashboard.refresh_state WHERE id = 1');
  const row = rows[0]!;
  return {
    builtAt: row.full_built_at?.toISOString() ?? null,
    refreshedAt: row.refreshed_at?.toISOString() ?? null,
    coveredUntil: row.covered_until?.toISOString() ?? null,
    alertsEvaluatedAt: row.alerts_evaluated_at?.toISOString() ?? null,
  };
}

/** Marks a refresh done; `full` also records the full build that first start (or an operator) ran. */
export async function markRefreshed(db: Queryable, full: boolean): Promise<void> {
  await db.query(
    `UPDATE dashboard.refresh_state SET refreshed_at = now(),
       full_built_at = CASE WHEN $1 THEN now() ELSE full_built_at END,
       covered_until = (SELECT max(msgtime) FROM chat.messages)
     WHERE id = 1`, [full]);
}

export async function markAlertsEvaluated(db: Queryable): Promise<void> {
  await db.query('UPDATE dashboard.refresh_state SET alerts_evaluated_at = now() WHERE id = 1');
}

/** Records an import run as applied; false when it had been applied already (a redelivered event). */
export async function markRunApplied(db: Queryable, run: { runId: number; fromDay: string | null; toDay: string | null; durationMs: number }): Promise<boolean> {
  const result = await db.query(
    'INSERT INTO dashboard.applied_runs (run_id, from_day, to_day, duration_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id) DO NOTHING',
    [run.runId, run.fromDay, run.toDay, run.durationMs]);
  return (result.rowCount ?? 0) > 0;
}

export async function runApplied(db: Queryable, runId: number): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM dashboard.applied_runs WHERE run_id = $1', [runId]);
  return rows.length > 0;
}

export async function isBuilt(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ built: boolean }>('SELECT full_built_at IS NOT NULL AS built FROM dashboard.refresh_state WHERE id = 1');
  return rows[0]!.built;
}
