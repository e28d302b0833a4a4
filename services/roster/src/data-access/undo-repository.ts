import type { PoolClient } from '@doitcrm/kit';
import { expandChanges, type ChangedTable, type ChangeEntry } from './change-log.ts';

type Row = Record<string, unknown>;

const TABLES: Record<ChangedTable, { name: string; key: string[]; restore: string[] }> = {
  staff: { name: 'crm.staff', key: ['id'], restore: ['name', 'identity_id', 'role', 'is_active', 'updated_at'] },
  classes: {
    name: 'crm.classes', key: ['id'],
    restore: ['level_id', 'room_id', 'name', 'teacher_staff_id', 'head_teacher_staff_id', 'start_time', 'end_time', 'course_progress', 'promotion', 'max_students', 'is_active', 'updated_at'],
  },
  students: { name: 'crm.students', key: ['id'], restore: ['name', 'english_name', 'status', 'school', 'address', 'updated_at'] },
  enrolments: { name: 'crm.enrolments', key: ['student_id', 'class_id'], restore: ['status', 'enrolled_at'] },
  student_contacts: { name: 'crm.student_contacts', key: ['id'], restore: ['name', 'relation', 'phone'] },
  // logged as inserts only: undo deletes the numbers an import stored, never restores one (the log keeps none)
  student_national_ids: { name: 'crm.student_national_ids', key: ['student_id'], restore: [] },
};
/** children first, so no delete cascades into a row this undo did not create */
const DELETE_ORDER: ChangedTable[] = ['student_national_ids', 'student_contacts', 'enrolments', 'students', 'classes', 'staff'];

export async function loadChanges(client: PoolClient, importId: number): Promise<ChangeEntry[]> {
  const { rows } = await client.query<ChangeEntry>(
    `SELECT table_name AS "table", op, row_key AS key, before, after FROM crm.roster_import_changes WHERE import_id = $1 ORDER BY id`,
    [importId],
  );
  return expandChanges(rows);
}

const keyText = (table: ChangedTable, row: Row) => TABLES[table].key.map((column) => String(row[column])).join(':');

/** Rows an import wrote that look different now (a later import or an edit changed them, or they are gone). */
export async function changedSince(client: PoolClient, changes: readonly ChangeEntry[]): Promise<Array<ChangeEntry & { current: Row | null }>> {
  const drifted: Array<ChangeEntry & { current: Row | null }> = [];
  for (const table of Object.keys(TABLES) as ChangedTable[]) {
    const entries = changes.filter((c) => c.table === table);
    if (entries.length === 0) continue;
    const spec = TABLES[table];
    const { rows } = await client.query<{ row: Row; hash: string }>(
      `SELECT to_jsonb(t.*) AS row, md5(t::text) AS hash FROM ${spec.name} t
       JOIN jsonb_populate_recordset(null::${spec.name}, $1::jsonb) k ON ${spec.key.map((column) => `t.${column} = k.${column}`).join(' AND ')}
       FOR UPDATE OF t`,
      [JSON.stringify(entries.map((e) => e.key))],
    );
    const current = new Map(rows.map((r) => [keyText(table, r.row), r]));
    for (const entry of entries) {
      const now = current.get(keyText(table, entry.key));
      // logs kept updated rows whole before they kept hashes
      const same = now !== undefined && (typeof entry.after.h === 'string' ? now.hash === entry.after.h : JSON.stringify(now.row) === JSON.stringify(entry.after));
      if (!same) drifted.push({ ...entry, current: now?.row ?? null });
    }
  }
  return drifted;
}

/** Rows created after the import that hang off rows it inserted (deleting ours would cascade into theirs). */
export async function laterDependents(client: PoolClient, changes: readonly ChangeEntry[]): Promise<string[]> {
  const inserted = (table: ChangedTable) => changes.filter((c) => c.table === table && c.op === 'insert');
  const ids = (table: ChangedTable) => inserted(table).map((c) => Number(c.key.id));
  const ourEnrolments = JSON.stringify(inserted('enrolments').map((c) => c.key));
  const { rows } = await client.query<{ what: string }>(
    `SELECT '学员 ' || s.name || ' 的班级' AS what FROM crm.enrolments e JOIN crm.students s ON s.id = e.student_id
       WHERE (e.student_id = ANY($1::int[]) OR e.class_id = ANY($2::int[]))
         AND NOT EXISTS (SELECT 1 FROM jsonb_populate_recordset(null::crm.enrolments, $3::jsonb) k WHERE k.student_id = e.student_id AND k.class_id = e.class_id)
     UNION ALL
     SELECT '学员 ' || s.name || ' 的联系人' FROM crm.student_contacts c JOIN crm.students s ON s.id = c.student_id
       WHERE c.student_id = ANY($1::int[]) AND NOT (c.id = ANY($4::int[]))
     UNION ALL
     SELECT '学员 ' || s.name || ' 的家长关联' FROM crm.guardianships g JOIN crm.students s ON s.id = g.student_id WHERE g.student_id = ANY($1::int[])
     UNION ALL
     SELECT '学员 ' || s.name || ' 的身份证号' FROM crm.student_national_ids n JOIN crm.students s ON s.id = n.student_id
       WHERE n.student_id = ANY($1::int[]) AND NOT (n.student_id = ANY($7::int[]))
     UNION ALL
     SELECT '班级 ' || c.name || ' 的老师' FROM crm.classes c
       WHERE (c.teacher_staff_id = ANY($5::int[]) OR c.head_teacher_staff_id = ANY($5::int[])) AND NOT (c.id = ANY($2::int[]))
         AND NOT (c.id = ANY($6::int[]))
     LIMIT 5`,
    [ids('students'), ids('classes'), ourEnrolments, ids('student_contacts'), ids('staff'),
      changes.filter((c) => c.table === 'classes' && c.op === 'update').map((c) => Number(c.key.id)),
      changes.filter((c) => c.table === 'student_national_ids').map((c) => Number(c.key.student_id))],
  );
  return rows.map((r) => r.what);
}

/** Puts back the before-images of updated rows and deletes the inserted ones. */
export async function restore(client: PoolClient, changes: readonly ChangeEntry[]): Promise<void> {
  for (const table of Object.keys(TABLES) as ChangedTable[]) {
    const befores = changes.filter((c) => c.table === table && c.op === 'update' && c.before).map((c) => c.before);
    if (befores.length === 0) continue;
    const spec = TABLES[table];
    await client.query(
      `UPDATE ${spec.name} t SET ${spec.restore.map((column) => `${column} = r.${column}`).join(', ')}
       FROM jsonb_populate_recordset(null::${spec.name}, $1::jsonb) r WHERE ${spec.key.map((column) => `t.${column} = r.${column}`).join(' AND ')}`,
      [JSON.stringify(befores)],
    );
  }
  for (const table of DELETE_ORDER) {
    const keys = changes.filter((c) => c.table === table && c.op === 'insert').map((c) => c.key);
    if (keys.length === 0) continue;
    const spec = TABLES[table];
    await client.query(
      `DELETE FROM ${spec.name} t USING jsonb_populate_recordset(null::${spec.name}, $1::jsonb) k
       WHERE ${spec.key.map((column) => `t.${column} = k.${column}`).join(' AND ')}`,
      [JSON.stringify(keys)],
    );
  }
}

/** Student and class ids an import touched, for the roster.changed event of its undo. */
export function touchedIds(changes: readonly ChangeEntry[]): { classIds: number[]; studentIds: number[] } {
  const classIds = new Set<number>();
  const studentIds = new Set<number>();
  for (const c of changes) {
    if (c.table === 'classes') classIds.add(Number(c.key.id));
    if (c.table === 'students') studentIds.add(Number(c.key.id));
    if (c.table === 'enrolments') {
      classIds.add(Number(c.key.class_id));
      studentIds.add(Number(c.key.student_id));
    }
    if (c.table === 'student_contacts' || c.table === 'student_national_ids') studentIds.add(Number(c.key.student_id));
  }
  return { classIds: [...classIds], studentIds: [...studentIds] };
}
