import type { Queryable } from '@doitcrm/kit';
import type { StaffRecord } from '../domain/records.ts';
import { changeOf, type ChangeRow } from './change-log.ts';

export interface WriteResult {
  written: number;
  changes: ChangeRow[];
  /** ids whose name is new or changed (for contacts.changed); `room` for customer groups */
  renamed: Array<{ id: string; name: string; room?: boolean }>;
}

/** What the database holds of these members, for an incremental pass that does not ask user/get again. */
export async function knownStaff(db: Queryable): Promise<Map<string, { name: string; wecomStatus: number | null }>> {
  const { rows } = await db.query<{ userid: string; name: string; wecom_status: number | null }>('SELECT userid, name, wecom_status FROM contacts.staff');
  return new Map(rows.map((row) => [row.userid, { name: row.name, wecomStatus: row.wecom_status }]));
}

/** Upserts the members whose hash changed (or who were gone), in one statement. */
export async function writeStaff(db: Queryable, pass: number, records: readonly StaffRecord[]): Promise<WriteResult> {
  if (records.length === 0) return { written: 0, changes: [], renamed: [] };
  const { rows } = await db.query<{ userid: string; name: string; inserted: boolean; old_name: string | null; was_active: boolean | null }>(
    `WITH incoming AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (userid text, name text, department_ids int[], wecom_status smallint, content_hash text)
     ), old AS (
       SELECT s.userid, s.name, s.gone_at IS NULL AS active FROM contacts.staff s JOIN incoming USING (userid)
     ), written AS (
       INSERT INTO contacts.staff AS s (userid, name, department_ids, wecom_status, content_hash, first_seen_pass, changed_pass)
       SELECT userid, name, department_ids, wecom_status, content_hash, $2, $2 FROM incoming
       ON CONFLICT (userid) DO UPDATE SET name = excluded.name, department_ids = excluded.department_ids, wecom_status = excluded.wecom_status,
         content_hash = excluded.content_hash, gone_at = NULL, changed_pass = $2, updated_at = now()
       WHERE s.content_hash IS DISTINCT FROM excluded.content_hash OR s.gone_at IS NOT NULL
       RETURNING s.userid, s.name, (s.xmax = 0) AS inserted
     )
     SELECT w.userid, w.name, w.inserted, o.name AS old_name, o.active AS was_active FROM written w LEFT JOIN old o USING (userid)`,
    [JSON.stringify(records), pass],
  );
  return {
    written: rows.length,
    changes: rows.map((row) => ({ entity: 'staff', key: row.userid, change: changeOf(row.inserted, row.was_active) })),
    renamed: rows.filter((row) => row.name !== '' && row.name !== row.old_name).map((row) => ({ id: row.userid, name: row.name })),
  };
}

/** Members the database knows that the member list no longer names: lost once the pass completes. */
export async function parkMissingStaff(db: Queryable, pass: number, listed: readonly string[]): Promise<void> {
  await db.query(
    `INSERT INTO contacts.lost_candidates (pass, kind, key)
     SELECT $1, 'staff', userid FROM contacts.staff WHERE gone_at IS NULL AND NOT (userid = ANY($2::text[]))
     ON CONFLICT DO NOTHING`,
    [pass, listed],
  );
}
