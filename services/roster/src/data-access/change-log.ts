import type { PoolClient } from '@doitcrm/kit';

export type ChangedTable = 'staff' | 'classes' | 'students' | 'enrolments' | 'student_contacts';
type Row = Record<string, unknown>;

export interface ChangeEntry {
  table: ChangedTable;
  op: 'insert' | 'update';
  key: Row;
  before: Row | null;
  /** updates: the row as written; inserts: { h: md5 of the row's text } (enough to tell whether it changed since) */
  after: Row;
}

export interface LoggedKey {
  table: ChangedTable;
  op: 'insert' | 'update';
  key: Row;
}

const KEY_SQL: Record<ChangedTable, string> = {
  staff: "jsonb_build_object('id', w.id)",
  classes: "jsonb_build_object('id', w.id)",
  students: "jsonb_build_object('id', w.id)",
  student_contacts: "jsonb_build_object('id', w.id, 'student_id', w.student_id)",
  enrolments: "jsonb_build_object('student_id', w.student_id, 'class_id', w.class_id)",
};

/**
 * Runs one write and records its rows' images for undo in the same statement: the images never travel to Node and
 * back. An inserted row is logged by a hash only (undo deletes it, so only "changed since?" must be answerable). `write` is a data-modifying statement with RETURNING *; for updates, `before` selects the rows as they were
 * (every part of one statement sees the same snapshot, so it reads them before the update).
 */
export async function writeLogged(client: PoolClient, spec: {
  importId: number;
  table: ChangedTable;
  op: 'insert' | 'update';
  write: string;
  /** for updates: SELECT of the target rows (aliased t) by the same key */
  before?: string;
  params: unknown[];
}): Promise<LoggedKey[]> {
  const importParam = `$${spec.params.length + 1}`;
  const keyJoin = spec.table === 'enrolments' ? 'b.student_id = w.student_id AND b.class_id = w.class_id' : 'b.id = w.id';
  const sql = spec.op === 'insert'
    ? `WITH w AS (${spec.write})
       INSERT INTO crm.roster_import_changes (import_id, table_name, op, row_key, after)
       SELECT ${importParam}, '${spec.table}', 'insert', ${KEY_SQL[spec.table]}, jsonb_build_object('h', md5(w::text)) FROM w RETURNING row_key`
    : `WITH b AS (${spec.before}), w AS (${spec.write})
       INSERT INTO crm.roster_import_changes (import_id, table_name, op, row_key, before, after)
       SELECT ${importParam}, '${spec.table}', 'update', ${KEY_SQL[spec.table]}, to_jsonb(b), to_jsonb(w) FROM w JOIN b ON ${keyJoin} RETURNING row_key`;
  const { rows } = await client.query<{ row_key: Row }>(sql, [...spec.params, spec.importId]);
  return rows.map((r) => ({ table: spec.table, op: spec.op, key: r.row_key }));
}
