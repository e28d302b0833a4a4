import type { Queryable } from '@doitcrm/kit';

export interface AlertDeliveryRow {
  alertId: number;
  ruleId: number;
  kind: string;
  severity: string;
  title: string;
  classLabel: string | null;
  batchId: string;
  digested: boolean;
}

/** Records that a rule handled an alert; false when it already had (a redelivered event). */
export async function recordAlertDelivery(db: Queryable, row: AlertDeliveryRow): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO dispatch.alert_deliveries (alert_id, rule_id, kind, severity, title, class_label, batch_id, digested)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (alert_id, rule_id) DO NOTHING`,
    [row.alertId, row.ruleId, row.kind, row.severity, row.title, row.classLabel, row.batchId, row.digested]);
  return rowCount === 1;
}

/** Alerts of this rule and kind handled within the last `windowSeconds` (the storm so far). */
export async function recentAlertCount(db: Queryable, ruleId: number, kind: string, windowSeconds: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM dispatch.alert_deliveries
     WHERE rule_id = $1 AND kind = $2 AND received_at > now() - make_interval(secs => $3)`,
    [ruleId, kind, windowSeconds]);
  return rows[0]!.n;
}

/**
 * The digest of this rule and kind still being filled: its messages are held (pending) until the window ends, and
 * locked here so the due_at poller cannot release them halfway through an update. Null once they were released.
 */
export async function lockOpenDigest(db: Queryable, ruleId: number, kind: string): Promise<string | null> {
  const { rows } = await db.query<{ batch_id: string }>(
    `SELECT m.batch_id FROM dispatch.messages m
     WHERE m.batch_id = (SELECT d.batch_id FROM dispatch.alert_deliveries d
                         WHERE d.rule_id = $1 AND d.kind = $2 AND d.digested ORDER BY d.received_at DESC LIMIT 1)
       AND m.status = 'pending'
     FOR UPDATE`,
    [ruleId, kind]);
  return rows[0]?.batch_id ?? null;
}

export async function digestContents(db: Queryable, batchId: string): Promise<Array<{ severity: string; title: string; classLabel: string | null }>> {
  const { rows } = await db.query<{ severity: string; title: string; classLabel: string | null }>(
    `SELECT severity, title, class_label AS "classLabel" FROM dispatch.alert_deliveries WHERE batch_id = $1 ORDER BY received_at, alert_id`, [batchId]);
  return rows;
}

/** Rewrites the held digest messages' values (count and titles grow with every folded alert). */
export async function updateHeldVariables(db: Queryable, batchId: string, variables: Record<string, string | number>): Promise<void> {
  await db.query(
    `UPDATE dispatch.messages SET variables = $2, updated_at = now() WHERE batch_id = $1 AND status = 'pending'`,
    [batchId, JSON.stringify(variables)]);
}

/** The class's name for the message (crm owns it); a class it does not know is shown by its id. */
export async function classLabel(db: Queryable, classId: number | null): Promise<string | null> {
  if (classId === null) return null;
  const { rows } = await db.query<{ name: string }>('SELECT name FROM crm.classes WHERE id = $1', [classId]);
  return rows[0]?.name ?? `班级 #${classId}`;
}
