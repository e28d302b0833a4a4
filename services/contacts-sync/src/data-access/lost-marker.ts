import type { Queryable } from '@doitcrm/kit';
import type { ChangeRow } from './change-log.ts';

export interface LostRelation {
  relationId: number;
  alertId: number | null;
  customerName: string;
  staffName: string;
  externalUserId: string;
  userId: string;
}

export interface LostOutcome {
  relations: LostRelation[];
  contactsDeleted: number;
  groupsLost: number;
  staffGone: number;
  changes: ChangeRow[];
}

/** How many active relations the pass parked as missing, and how many are active: for the mass-loss guard. */
export async function lostShare(db: Queryable, pass: number): Promise<{ parked: number; active: number }> {
  const { rows } = await db.query<{ parked: number; active: number }>(
    `SELECT (SELECT count(*)::int FROM contacts.lost_candidates WHERE pass = $1 AND kind = 'relation') AS parked,
            (SELECT count(*)::int FROM contacts.follow_relations WHERE status = 'active') AS active`, [pass]);
  return rows[0]!;
}

/**
 * Marks lost what the completed pass parked as missing, in the pass's last transaction: relations (one churn alert
 * row each, unique per relation and loss, so a repeated finalize raises nothing twice), customers left with no
 * active relation (deleted), groups, members. Nothing is deleted.
 */
export async function markParkedLost(db: Queryable, pass: number): Promise<LostOutcome> {
  const { rows: relations } = await db.query<LostRow>(
    `WITH lost AS (
       UPDATE contacts.follow_relations r SET status = 'lost', lost_at = now(), changed_pass = $1, updated_at = now()
       FROM contacts.lost_candidates c
       WHERE c.pass = $1 AND c.kind = 'relation' AND r.id = c.key::bigint AND r.status = 'active'
       RETURNING r.id, r.external_userid, r.userid, r.lost_at
     )
     SELECT lost.*, e.name AS customer, s.name AS staff FROM lost
     LEFT JOIN contacts.external_contacts e USING (external_userid) LEFT JOIN contacts.staff s USING (userid)
     ORDER BY lost.id`,
    [pass],
  );
  const alertOf = await insertChurnAlerts(db, relations);
  const deleted = await deleteContactsLeftAlone(db, pass, relations.map((r) => r.id));
  const { rows: groups } = await db.query<{ chat_id: string }>(
    `UPDATE contacts.customer_groups g SET status = 'lost', lost_at = now(), changed_pass = $1, updated_at = now()
     FROM contacts.lost_candidates c WHERE c.pass = $1 AND c.kind = 'group' AND g.chat_id = c.key AND g.status = 'active'
     RETURNING g.chat_id`,
    [pass],
  );
  const { rows: staff } = await db.query<{ userid: string }>(
    `UPDATE contacts.staff s SET gone_at = now(), changed_pass = $1, updated_at = now()
     FROM contacts.lost_candidates c WHERE c.pass = $1 AND c.kind = 'staff' AND s.userid = c.key AND s.gone_at IS NULL
     RETURNING s.userid`,
    [pass],
  );
  await db.query('DELETE FROM contacts.lost_candidates WHERE pass = $1', [pass]);
  return {
    relations: relations.map((r) => lostRelationOf(r, alertOf)),
    contactsDeleted: deleted.length,
    groupsLost: groups.length,
    staffGone: staff.length,
    changes: [
      ...relations.map((r): ChangeRow => ({ entity: 'relation', key: r.id, change: 'lost' })),
      ...deleted.map((r): ChangeRow => ({ entity: 'contact', key: r.external_userid, change: 'lost' })),
      ...groups.map((r): ChangeRow => ({ entity: 'group', key: r.chat_id, change: 'lost' })),
      ...staff.map((r): ChangeRow => ({ entity: 'staff', key: r.userid, change: 'lost' })),
    ],
  };
}

type LostRow = { id: string; external_userid: string; userid: string; lost_at: Date; customer: string | null; staff: string | null };

const lostRelationOf = (r: LostRow, alertOf: Map<string, number>): LostRelation => ({
  relationId: Number(r.id), alertId: alertOf.get(r.id) ?? null, customerName: r.customer ?? r.external_userid, staffName: r.staff || r.userid,
  externalUserId: r.external_userid, userId: r.userid,
});

/** One churn alert row per relation and loss (unique), so a loss seen twice (sync and callback, or a retry) raises once. */
async function insertChurnAlerts(db: Queryable, relations: ReadonlyArray<{ id: string; lost_at: Date }>): Promise<Map<string, number>> {
  const { rows } = await db.query<{ id: string; relation_id: string }>(
    `INSERT INTO contacts.churn_alerts (relation_id, lost_at) SELECT * FROM unnest($1::bigint[], $2::timestamptz[])
     ON CONFLICT DO NOTHING RETURNING id, relation_id`,
    [relations.map((r) => r.id), relations.map((r) => r.lost_at)],
  );
  return new Map(rows.map((a) => [a.relation_id, Number(a.id)]));
}

/** Customers of these relations left with no active relation: deleted (kept, never removed). */
async function deleteContactsLeftAlone(db: Queryable, pass: number, relationIds: readonly string[]): Promise<Array<{ external_userid: string }>> {
  const { rows } = await db.query<{ external_userid: string }>(
    `UPDATE contacts.external_contacts e SET status = 'deleted', deleted_at = now(), changed_pass = $1, updated_at = now()
     WHERE e.status = 'normal' AND e.contact_kind = 'full'
       AND e.external_userid IN (SELECT r.external_userid FROM contacts.follow_relations r WHERE r.id = ANY($2::bigint[]))
       -- OFFSET 0 keeps this a lookup per customer on the (external_userid, userid) index: pulled up into an anti join,
       -- right after a pass filled the table (statistics not yet refreshed) the planner scanned every active relation
       -- for each callback (0.4 s an event, the applier fell minutes behind a burst)
       AND NOT EXISTS (SELECT 1 FROM contacts.follow_relations r WHERE r.external_userid = e.external_userid AND r.status = 'active' OFFSET 0)
     RETURNING e.external_userid`,
    [pass, relationIds],
  );
  return rows;
}

/**
 * A relation a callback says was deleted (del_follow_user: by the customer; del_external_contact: by the member),
 * marked the way a completed pass marks a lost one: the status, a churn alert unless `alert` is false (a transfer to
 * a colleague is no churn), and the customer deleted when no active relation is left. Already marked: nothing.
 */
export async function markRelationDeleted(
  db: Queryable, pass: number, key: { externalUserId: string; userId: string }, status: 'deleted_by_customer' | 'deleted_by_staff', alert: boolean,
): Promise<{ relations: LostRelation[]; contactsDeleted: number }> {
  const { rows } = await db.query<LostRow>(
    `WITH marked AS (
       UPDATE contacts.follow_relations r SET status = $4, lost_at = now(), changed_pass = $1, updated_at = now()
       WHERE r.external_userid = $2 AND r.userid = $3 AND r.status = 'active'
       RETURNING r.id, r.external_userid, r.userid, r.lost_at
     )
     SELECT marked.*, e.name AS customer, s.name AS staff FROM marked
     LEFT JOIN contacts.external_contacts e USING (external_userid) LEFT JOIN contacts.staff s USING (userid)`,
    [pass, key.externalUserId, key.userId, status],
  );
  const alertOf = alert ? await insertChurnAlerts(db, rows) : new Map<string, number>();
  const deleted = await deleteContactsLeftAlone(db, pass, rows.map((r) => r.id));
  return { relations: rows.map((r) => lostRelationOf(r, alertOf)), contactsDeleted: deleted.length };
}

/** Today's row (Beijing day) of the health metrics, added to by every run. */
export async function addDailyMetrics(db: Queryable, timezone: string, run: { failed: boolean; written: number; added: number; lost: number; calls: number }): Promise<void> {
  await db.query(
    `INSERT INTO contacts.daily_metrics AS d (day, runs, failed_runs, rows_written, relations_added, relations_lost, wecom_calls, customers_total, relations_active, last_success_at)
     SELECT (now() AT TIME ZONE $1)::date, 1, $2::int, $3, $4, $5, $6,
       (SELECT count(*) FROM contacts.external_contacts WHERE status = 'normal'),
       (SELECT count(*) FROM contacts.follow_relations WHERE status = 'active'),
       CASE WHEN $2::int = 0 THEN now() END
     ON CONFLICT (day) DO UPDATE SET runs = d.runs + 1, failed_runs = d.failed_runs + excluded.failed_runs, rows_written = d.rows_written + excluded.rows_written,
       relations_added = d.relations_added + excluded.relations_added, relations_lost = d.relations_lost + excluded.relations_lost,
       wecom_calls = d.wecom_calls + excluded.wecom_calls, customers_total = excluded.customers_total, relations_active = excluded.relations_active,
       last_success_at = coalesce(excluded.last_success_at, d.last_success_at), updated_at = now()`,
    [timezone, run.failed ? 1 : 0, run.written, run.added, run.lost, run.calls],
  );
}
