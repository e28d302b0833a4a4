import { prepared, type Queryable } from '@doitcrm/kit';
import type { Alert, AlertKind, AlertState } from '../contract.ts';
import type { AlertCandidate } from './alert-candidate-repository.ts';

/**
 * Stores the current alerts: new ones are inserted, known ones get fresh evidence, resolved ones that hold again
 * are reopened (and lose their acknowledgement and snooze). Returns the alerts that are new or reopened.
 */
export async function upsertAlerts(db: Queryable, candidates: AlertCandidate[]): Promise<Array<{ id: number; candidate: AlertCandidate }>> {
  if (candidates.length === 0) return [];
  const { rows } = await db.query<{ id: number; dedupe_key: string; is_new: boolean }>(
    `WITH cand AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::jsonb[], $7::text[], $8::timestamptz[])
         AS c (kind, severity, dedupe_key, class_id, title, evidence, evidence_query, last_contact_at)),
     prior AS (SELECT dedupe_key, resolved_at FROM dashboard.alerts WHERE dedupe_key = ANY($3::text[])),
     up AS (
       INSERT INTO dashboard.alerts AS a (kind, severity, dedupe_key, class_id, title, evidence, evidence_query, last_contact_at)
       SELECT kind, severity, dedupe_key, class_id, title, evidence, evidence_query, last_contact_at FROM cand
       ON CONFLICT (dedupe_key) DO UPDATE SET
         severity = EXCLUDED.severity, title = EXCLUDED.title, evidence = EXCLUDED.evidence, evidence_query = EXCLUDED.evidence_query,
         last_contact_at = EXCLUDED.last_contact_at, evidence_changed_at = now(),
         raised_at = CASE WHEN a.resolved_at IS NOT NULL THEN now() ELSE a.raised_at END,
         acked_at = CASE WHEN a.resolved_at IS NOT NULL THEN NULL ELSE a.acked_at END,
         acked_by = CASE WHEN a.resolved_at IS NOT NULL THEN NULL ELSE a.acked_by END,
         snoozed_until = CASE WHEN a.resolved_at IS NOT NULL THEN NULL ELSE a.snoozed_until END,
         resolved_at = NULL
       -- an alert that holds as it did is left alone: rewriting all of them at every evaluation bloated the table
       -- the list reads and cleared its index-only scans; such a row is not new, so needs no RETURNING
       WHERE a.resolved_at IS NOT NULL
          OR (a.severity, a.title, a.evidence, a.evidence_query, a.last_contact_at)
             IS DISTINCT FROM (EXCLUDED.severity, EXCLUDED.title, EXCLUDED.evidence, EXCLUDED.evidence_query, EXCLUDED.last_contact_at)
       RETURNING a.id, a.dedupe_key)
     SELECT up.id, up.dedupe_key, (prior.dedupe_key IS NULL OR prior.resolved_at IS NOT NULL) AS is_new
     FROM up LEFT JOIN prior USING (dedupe_key)`,
    [candidates.map((c) => c.kind), candidates.map((c) => c.severity), candidates.map((c) => c.dedupeKey), candidates.map((c) => c.classId),
      candidates.map((c) => c.title), candidates.map((c) => JSON.stringify(c.evidence)), candidates.map((c) => c.evidenceQuery),
      candidates.map((c) => c.lastContactAt)],
  );
  const byKey = new Map(candidates.map((candidate) => [candidate.dedupeKey, candidate]));
  return rows.filter((row) => row.is_new).map((row) => ({ id: row.id, candidate: byKey.get(row.dedupe_key)! }));
}

/** Alerts whose condition no longer holds are resolved (kept for the record, hidden from the open list). */
export async function resolveOthers(db: Queryable, keepKeys: string[]): Promise<number> {
  const result = await db.query(
    'UPDATE dashboard.alerts SET resolved_at = now() WHERE resolved_at IS NULL AND NOT (dedupe_key = ANY($1::text[]))', [keepKeys]);
  return result.rowCount ?? 0;
}

export interface AlertQuery {
  kind?: AlertKind | undefined;
  state: AlertState | 'active' | 'all';
  classId?: number | undefined;
  sectionId?: number | undefined;
  levelId?: number | undefined;
  limit: number;
  offset: number;
}

// the state of an alert, defined once for the filter and the answer
const STATE_SQL = `CASE WHEN a.resolved_at IS NOT NULL THEN 'resolved' WHEN a.snoozed_until > now() THEN 'snoozed'
                        WHEN a.acked_at IS NOT NULL THEN 'acknowledged' ELSE 'open' END`;

export type AlertRow = Omit<Alert, 'messagesUrl'> & { evidenceQuery: string | null };

/**
 * The filter of the list as SQL, with its values. The state's condition is chosen here rather than by a CASE over
 * a parameter (planning that CASE cost more than running the list), and the class tables are joined only for a
 * 段 / 阶 / class filter. `active` (the default list) is the open alerts; `all` every unresolved one.
 */
function alertFilter(q: AlertQuery): { joins: string; where: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const conditions: string[] = [];
  if (q.state === 'all') conditions.push('a.resolved_at IS NULL');
  else if (q.state === 'resolved') conditions.push('a.resolved_at IS NOT NULL');
  else if (q.state === 'active' || q.state === 'open') {
    conditions.push('a.resolved_at IS NULL AND a.acked_at IS NULL AND NOT coalesce(a.snoozed_until > now(), false)');
  } else conditions.push(`a.resolved_at IS NULL AND (${STATE_SQL}) = ${param(q.state)}::text`);
  if (q.classId !== undefined) conditions.push(`a.class_id = ${param(q.classId)}::int`);
  if (q.sectionId !== undefined) conditions.push(`l.section_id = ${param(q.sectionId)}::int`);
  if (q.levelId !== undefined) conditions.push(`c.level_id = ${param(q.levelId)}::int`);
  const byPlace = q.sectionId !== undefined || q.levelId !== undefined;
  return {
    joins: byPlace ? 'LEFT JOIN crm.classes c ON c.id = a.class_id LEFT JOIN crm.levels l ON l.id = c.level_id' : '',
    where: conditions.join(' AND '),
    values,
  };
}

// most severe first, then the longest silence (oldest contact), then the newest: the order of alerts_unresolved_list_idx
const ALERT_ORDER = 'a.severity_rank, a.last_contact_at ASC NULLS FIRST, a.raised_at DESC, a.id DESC';

/**
 * One page of alerts with counts per kind, in one statement. For unresolved alerts both the counts and the page
 * come from the list index alone, the page stopping after its rows, and only the page's rows are read whole.
 */
export async function listAlerts(db: Queryable, q: AlertQuery): Promise<{ items: AlertRow[]; total: number; counts: Record<AlertKind, number> }> {
  const filter = alertFilter(q);
  const param = (value: unknown) => `$${filter.values.push(value)}`;
  const kind = q.kind ? `AND a.kind = ${param(q.kind)}::text` : '';
  const page = `LIMIT ${param(q.limit)} OFFSET ${param(q.offset)}`;
  const { rows } = await db.query<StoredAlertRow & { counts: Partial<Record<AlertKind, number>> | null }>(prepared(
    `WITH per_kind AS (
       SELECT json_object_agg(kind, n) AS counts
       FROM (SELECT a.kind, count(*)::int AS n FROM dashboard.alerts a ${filter.joins} WHERE ${filter.where} GROUP BY a.kind) k),
     page AS (SELECT a.id FROM dashboard.alerts a ${filter.joins} WHERE ${filter.where} ${kind} ORDER BY ${ALERT_ORDER} ${page})
     SELECT per_kind.counts, alert.* FROM per_kind LEFT JOIN LATERAL (
       SELECT a.id, a.kind, a.severity, a.class_id, a.title, a.evidence, a.evidence_query, a.last_contact_at,
              a.raised_at, a.acked_at, a.snoozed_until, a.resolved_at, ${STATE_SQL} AS state,
              c.name AS class_name, l.name AS level_name, s.name AS section_name
       FROM page JOIN dashboard.alerts a ON a.id = page.id
       LEFT JOIN crm.classes c ON c.id = a.class_id LEFT JOIN crm.levels l ON l.id = c.level_id LEFT JOIN crm.sections s ON s.id = l.section_id
       ORDER BY ${ALERT_ORDER}) alert ON true`,
    filter.values));
  const counts: Record<AlertKind, number> = { silent_parent: 0, churn_risk: 0, slow_response: 0, keyword: 0 };
  Object.assign(counts, rows[0]?.counts ?? {});
  const total = q.kind ? counts[q.kind] : Object.values(counts).reduce((sum, n) => sum + n, 0);
  return { items: rows.filter((row) => row.id !== null).map(toAlertRow), total, counts };
}

export async function findAlert(db: Queryable, id: number): Promise<AlertRow | null> {
  const { rows } = await db.query<StoredAlertRow>(
    `SELECT a.*, ${STATE_SQL} AS state, c.name AS class_name, l.name AS level_name, s.name AS section_name
     FROM dashboard.alerts a LEFT JOIN crm.classes c ON c.id = a.class_id LEFT JOIN crm.levels l ON l.id = c.level_id
     LEFT JOIN crm.sections s ON s.id = l.section_id WHERE a.id = $1`, [id]);
  return rows[0] ? toAlertRow(rows[0]) : null;
}

export async function acknowledgeAlert(db: Queryable, id: number, userId: number | null): Promise<void> {
  await db.query('UPDATE dashboard.alerts SET acked_at = now(), acked_by = $2 WHERE id = $1', [id, userId]);
}

export async function snoozeAlert(db: Queryable, id: number, until: Date, userId: number | null): Promise<void> {
  await db.query('UPDATE dashboard.alerts SET snoozed_until = $2, snoozed_by = $3 WHERE id = $1', [id, until, userId]);
}

/** Back to open: the acknowledgement and snooze are withdrawn. */
export async function reopenAlert(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE dashboard.alerts SET acked_at = NULL, acked_by = NULL, snoozed_until = NULL, snoozed_by = NULL WHERE id = $1', [id]);
}

interface StoredAlertRow {
  id: number;
  kind: Alert['kind'];
  severity: Alert['severity'];
  state: Alert['state'];
  class_id: number | null;
  class_name: string | null;
  section_name: string | null;
  level_name: string | null;
  title: string;
  evidence: Record<string, unknown>;
  evidence_query: string | null;
  last_contact_at: Date | null;
  raised_at: Date;
  acked_at: Date | null;
  snoozed_until: Date | null;
  resolved_at: Date | null;
}

function toAlertRow(row: StoredAlertRow): AlertRow {
  return {
    id: row.id,
    kind: row.kind,
    severity: row.severity,
    state: row.state,
    classId: row.class_id,
    className: row.class_name,
    sectionName: row.section_name,
    levelName: row.level_name,
    title: row.title,
    evidence: row.evidence,
    evidenceQuery: row.evidence_query,
    lastContactAt: row.last_contact_at?.toISOString() ?? null,
    raisedAt: row.raised_at.toISOString(),
    ackedAt: row.acked_at?.toISOString() ?? null,
    snoozedUntil: row.snoozed_until?.toISOString() ?? null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
  };
}
