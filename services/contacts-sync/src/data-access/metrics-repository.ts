import type { Queryable } from '@doitcrm/kit';

export interface DayMetrics {
  day: string;
  runs: number;
  failedRuns: number;
  rowsWritten: number;
  relationsAdded: number;
  relationsLost: number;
  wecomCalls: number;
  customersTotal: number;
  relationsActive: number;
  callbacksReceived: number;
  callbacksRefused: number;
  callbacksDuplicate: number;
  callbacksApplied: number;
  callbackErrors: number;
  /** failed runs + callbacks that failed to apply */
  errors: number;
  avgApplyDelaySeconds: number | null;
  maxApplyDelaySeconds: number;
  lastSuccessAt: string | null;
}

interface Row {
  day: string; runs: number; failed_runs: number; rows_written: number; relations_added: number; relations_lost: number; wecom_calls: number;
  customers_total: number; relations_active: number; callbacks_received: number; callbacks_refused: number; callbacks_duplicate: number;
  callbacks_applied: number; callback_errors: number; delay_sum: number; delay_max: number; last_success_at: Date | null;
}

/** The last `days` Beijing days, oldest first, a zero row for a day without any (so a quiet day shows as one). */
export async function dailyMetrics(db: Queryable, timezone: string, days: number): Promise<DayMetrics[]> {
  const { rows } = await db.query<Row>(
    `WITH span AS (
       SELECT generate_series((now() AT TIME ZONE $1)::date - ($2::int - 1), (now() AT TIME ZONE $1)::date, interval '1 day')::date AS day
     )
     SELECT to_char(s.day, 'YYYY-MM-DD') AS day, coalesce(d.runs, 0) AS runs, coalesce(d.failed_runs, 0) AS failed_runs,
       coalesce(d.rows_written, 0) AS rows_written, coalesce(d.relations_added, 0) AS relations_added, coalesce(d.relations_lost, 0) AS relations_lost,
       coalesce(d.wecom_calls, 0) AS wecom_calls, coalesce(d.customers_total, 0) AS customers_total, coalesce(d.relations_active, 0) AS relations_active,
       coalesce(d.callbacks_received, 0) AS callbacks_received, coalesce(d.callbacks_refused, 0) AS callbacks_refused,
       coalesce(d.callbacks_duplicate, 0) AS callbacks_duplicate, coalesce(d.callbacks_applied, 0) AS callbacks_applied,
       coalesce(d.callback_errors, 0) AS callback_errors, coalesce(d.apply_delay_seconds_sum, 0)::float8 AS delay_sum,
       coalesce(d.apply_delay_seconds_max, 0)::float8 AS delay_max, d.last_success_at
     FROM span s LEFT JOIN contacts.daily_metrics d USING (day) ORDER BY s.day`,
    [timezone, days],
  );
  return rows.map((r) => ({
    day: r.day, runs: r.runs, failedRuns: r.failed_runs, rowsWritten: r.rows_written, relationsAdded: r.relations_added, relationsLost: r.relations_lost,
    wecomCalls: r.wecom_calls, customersTotal: r.customers_total, relationsActive: r.relations_active, callbacksReceived: r.callbacks_received,
    callbacksRefused: r.callbacks_refused, callbacksDuplicate: r.callbacks_duplicate, callbacksApplied: r.callbacks_applied, callbackErrors: r.callback_errors,
    errors: r.failed_runs + r.callback_errors,
    avgApplyDelaySeconds: r.callbacks_applied > 0 ? Math.round((r.delay_sum / r.callbacks_applied) * 1000) / 1000 : null,
    maxApplyDelaySeconds: Math.round(r.delay_max * 1000) / 1000, lastSuccessAt: r.last_success_at?.toISOString() ?? null,
  }));
}

/** The last successful run's end, whatever day it was (the delay part of the health score). */
export async function lastSuccessAt(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ at: Date | null }>('SELECT max(last_success_at) AS at FROM contacts.daily_metrics');
  return rows[0]?.at ?? null;
}

/** Records a health alert once per Beijing day and kind: its id when new (to publish), null when already raised. */
export async function recordHealthAlert(db: Queryable, timezone: string, alert: { kind: string; severity: string; title: string }): Promise<number | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO contacts.health_alerts (day, kind, severity, title) VALUES ((now() AT TIME ZONE $1)::date, $2, $3, $4)
     ON CONFLICT (day, kind) DO NOTHING RETURNING id`,
    [timezone, alert.kind, alert.severity, alert.title],
  );
  return rows[0] ? Number(rows[0].id) : null;
}
