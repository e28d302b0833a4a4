import type { Queryable } from '@doitcrm/kit';
import type { AlertRule, AlertRuleBody, AlertSeverity, QuietHoursOverride } from '../contract.ts';

const columns = `r.id::int AS id, r.name, r.kind, r.min_severity AS "minSeverity", r.class_id::int AS "classId", r.template_id::int AS "templateId",
  t.name AS "templateName", t.channel, r.recipients, r.priority, r.active,
  r.quiet_hours AS "quietHours", t.quiet_hours AS "templateQuietHours",
  to_json(r.created_at) #>> '{}' AS "createdAt", to_json(r.updated_at) #>> '{}' AS "updatedAt"`;
const from = 'dispatch.alert_rules r JOIN dispatch.templates t ON t.id = r.template_id';

export async function listAlertRules(db: Queryable): Promise<AlertRule[]> {
  const { rows } = await db.query<AlertRule>(`SELECT ${columns} FROM ${from} ORDER BY lower(r.name)`);
  return rows;
}

export async function findAlertRule(db: Queryable, id: number, options: { forUpdate?: boolean } = {}): Promise<AlertRule | null> {
  const { rows } = await db.query<AlertRule>(`SELECT ${columns} FROM ${from} WHERE r.id = $1${options.forUpdate ? ' FOR UPDATE OF r' : ''}`, [id]);
  return rows[0] ?? null;
}

/** The active rules an alert matches: its kind (or every kind), at least the rule's severity, its class (or every class). */
export async function matchingAlertRules(db: Queryable, alert: { kind: string; severity: AlertSeverity; classId: number | null }): Promise<AlertRule[]> {
  const { rows } = await db.query<AlertRule>(
    `SELECT ${columns} FROM ${from}
     WHERE r.active AND (r.kind IS NULL OR r.kind = $1)
       AND array_position(ARRAY['info', 'warning', 'critical'], r.min_severity) <= array_position(ARRAY['info', 'warning', 'critical'], $2::text)
       AND (r.class_id IS NULL OR r.class_id = $3)
     ORDER BY r.id`,
    [alert.kind, alert.severity, alert.classId]);
  return rows;
}

const values = (rule: AlertRuleBody) => [rule.name, rule.kind, rule.minSeverity, rule.classId, rule.templateId, rule.recipients, rule.priority, rule.active];

export async function insertAlertRule(db: Queryable, rule: AlertRuleBody, userId: number | null): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO dispatch.alert_rules (name, kind, min_severity, class_id, template_id, recipients, priority, active, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id::int AS id`,
    [...values(rule), userId]);
  return rows[0]!.id;
}

export async function updateAlertRule(db: Queryable, id: number, rule: AlertRuleBody, userId: number | null): Promise<void> {
  await db.query(
    `UPDATE dispatch.alert_rules SET name = $1, kind = $2, min_severity = $3, class_id = $4, template_id = $5, recipients = $6,
       priority = $7, active = $8, updated_by = $9, updated_at = now() WHERE id = $10`,
    [...values(rule), userId, id]);
}

/** A rule's own quiet hours (null: none, the template's apply). */
export async function setAlertRuleQuietHours(db: Queryable, id: number, quietHours: QuietHoursOverride): Promise<void> {
  await db.query('UPDATE dispatch.alert_rules SET quiet_hours = $2 WHERE id = $1', [id, quietHours === null ? null : JSON.stringify(quietHours)]);
}

export async function deleteAlertRule(db: Queryable, id: number): Promise<void> {
  await db.query('DELETE FROM dispatch.alert_rules WHERE id = $1', [id]);
}

export async function countAlertRules(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dispatch.alert_rules');
  return rows[0]!.n;
}
