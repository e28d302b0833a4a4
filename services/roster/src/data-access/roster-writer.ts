import type { PoolClient } from '@doitcrm/kit';
import type { ClassValues, CommitPlan, Ref, StudentValues } from '../domain/commit-plan.ts';
import type { RosterSnapshot } from '../domain/snapshot.ts';
import { writeLogged, type LoggedWrite } from './change-log.ts';

export interface AppliedPlan {
  logged: LoggedWrite[];
  classIds: number[];
  studentIds: number[];
}

const CLASS_UNNEST = `unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[])
  AS u (id, level_id, room_id, name, teacher, head, start_time, end_time, progress, promotion)`;
const STUDENT_UNNEST = `unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
  AS u (id, name, english_name, status, school, address)`;

/** Writes a commit plan set-based (one statement per table and kind), each statement logging its rows for undo on the way. */
export async function applyPlan(client: PoolClient, importId: number, plan: CommitPlan, snapshot: RosterSnapshot): Promise<AppliedPlan> {
  const logged: LoggedWrite[] = [];
  const newIds = new Map<string, number>();
  const staffIds = await writeStaff(client, importId, plan, snapshot, logged);
  const levelIds = new Map(snapshot.levels.map((l) => [l.name, l.id]));
  const staffOf = (name: string | null) => (name === null ? null : staffIds.get(name) ?? null);

  const classIds = await allocate(client, 'crm.classes', plan.classInserts.length);
  plan.classInserts.forEach((item, i) => newIds.set(item.newKey, classIds[i]!));
  const classColumns = (rows: readonly ClassValues[], ids: readonly number[]) => [
    ids, rows.map((c) => levelIds.get(c.levelName)), rows.map((c) => c.roomId), rows.map((c) => c.name),
    rows.map((c) => staffOf(c.teacher)), rows.map((c) => staffOf(c.headTeacher)), rows.map((c) => c.startTime),
    rows.map((c) => c.endTime), rows.map((c) => c.courseProgress), rows.map((c) => c.promotion),
  ];
  if (plan.classInserts.length > 0) {
    logged.push(await writeLogged(client, {
      importId, table: 'classes', op: 'insert',
      write: `INSERT INTO crm.classes AS t (id, level_id, room_id, name, teacher_staff_id, head_teacher_staff_id, start_time, end_time, course_progress, promotion)
              SELECT u.* FROM ${CLASS_UNNEST} RETURNING t.id, md5(t::text) AS h`,
      params: classColumns(plan.classInserts, classIds),
    }));
  }
  if (plan.classUpdates.length > 0) {
    logged.push(await writeLogged(client, {
      importId, table: 'classes', op: 'update',
      write: `UPDATE crm.classes t SET level_id = u.level_id, room_id = u.room_id, name = u.name, teacher_staff_id = u.teacher,
                head_teacher_staff_id = u.head, start_time = u.start_time, end_time = u.end_time, course_progress = u.progress,
                promotion = u.promotion, is_active = true, updated_at = now()
              FROM ${CLASS_UNNEST} JOIN crm.classes o ON o.id = u.id WHERE t.id = u.id RETURNING t.id, md5(t::text) AS h, o AS before`,
      params: classColumns(plan.classUpdates, plan.classUpdates.map((c) => c.id)),
    }));
  }

  const studentIds = await allocate(client, 'crm.students', plan.studentInserts.length);
  plan.studentInserts.forEach((item, i) => newIds.set(item.newKey, studentIds[i]!));
  const studentColumns = (rows: readonly StudentValues[], ids: readonly number[]) => [
    ids, rows.map((s) => s.name), rows.map((s) => s.englishName), rows.map((s) => s.status),
    rows.map((s) => s.school), rows.map((s) => s.address),
  ];
  if (plan.studentInserts.length > 0) {
    logged.push(await writeLogged(client, {
      importId, table: 'students', op: 'insert',
      write: `INSERT INTO crm.students AS t (id, name, english_name, status, school, address) SELECT u.* FROM ${STUDENT_UNNEST}
              RETURNING t.id, md5(t::text) AS h`,
      params: studentColumns(plan.studentInserts, studentIds),
    }));
  }
  if (plan.studentUpdates.length > 0) {
    logged.push(await writeLogged(client, {
      importId, table: 'students', op: 'update',
      write: `UPDATE crm.students t SET english_name = u.english_name, status = u.status, school = u.school, address = u.address,
                updated_at = now()
              FROM ${STUDENT_UNNEST} JOIN crm.students o ON o.id = u.id WHERE t.id = u.id RETURNING t.id, md5(t::text) AS h, o AS before`,
      params: studentColumns(plan.studentUpdates, plan.studentUpdates.map((s) => s.id)),
    }));
  }

  await writeEnrolments(client, importId, plan, newIds, logged);
  await writeContacts(client, importId, plan, newIds, logged);
  await writeNationalIds(client, importId, plan, newIds, logged);
  const touchedClasses = new Set([...plan.classUpdates.map((c) => c.id), ...classIds, ...plan.enrolmentInserts.map((e) => resolve(e.classRef, newIds))]);
  const touchedStudents = new Set([
    ...plan.studentUpdates.map((s) => s.id), ...studentIds, ...plan.enrolmentInserts.map((e) => resolve(e.student, newIds)),
    ...plan.enrolmentUpdates.map((e) => e.studentId), ...plan.contactInserts.map((c) => resolve(c.student, newIds)),
    ...plan.nationalIds.map((n) => resolve(n.student, newIds)),
  ]);
  return { logged, classIds: [...touchedClasses], studentIds: [...touchedStudents] };
}

function resolve(ref: Ref, newIds: Map<string, number>): number {
  if ('id' in ref) return ref.id;
  const id = newIds.get(ref.newKey);
  if (id === undefined) throw new Error(`no id for ${ref.newKey}`);
  return id;
}

/** ids taken from the sequence first, so each planned row knows its id without a natural key to return by */
async function allocate(client: PoolClient, table: string, count: number): Promise<number[]> {
  if (count === 0) return [];
  const { rows } = await client.query<{ ids: number[] }>(
    // the sequence is looked up once (an init plan), not once per id
    'SELECT array_agg(nextval((SELECT pg_get_serial_sequence($1, \'id\')::regclass))::int) AS ids FROM generate_series(1, $2::int)', [table, count],
  );
  return rows[0]!.ids;
}

/** New teacher names become staff, linked to their WeCom identity when exactly one staff identity carries that name. */
async function writeStaff(client: PoolClient, importId: number, plan: CommitPlan, snapshot: RosterSnapshot, logged: LoggedWrite[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const s of [...snapshot.staff].reverse()) ids.set(s.name, s.id);
  if (plan.staff.length === 0) return ids;
  const written = await writeLogged(client, {
    importId, table: 'staff', op: 'insert',
    write: `INSERT INTO crm.staff AS t (name, role, identity_id)
            SELECT u.name, u.role,
                   (SELECT CASE WHEN count(*) = 1 THEN min(i.id) END FROM crm.identities i
                    WHERE i.id_type = 'user_id' AND i.user_role IN ('teacher', 'head_teacher', 'advisor')
                      AND i.display_name = u.name
                      AND NOT EXISTS (SELECT 1 FROM crm.staff s WHERE s.identity_id = i.id))
            FROM unnest($1::text[], $2::text[]) AS u (name, role) RETURNING t.id, md5(t::text) AS h`,
    params: [plan.staff.map((s) => s.name), plan.staff.map((s) => s.role)],
  });
  logged.push(written);
  const { rows } = await client.query<{ id: number; name: string }>('SELECT id, name FROM crm.staff WHERE id = ANY($1::int[])', [written.keys.id ?? []]);
  for (const row of rows) ids.set(row.name, row.id);
  return ids;
}

async function writeEnrolments(client: PoolClient, importId: number, plan: CommitPlan, newIds: Map<string, number>, logged: LoggedWrite[]): Promise<void> {
  if (plan.enrolmentInserts.length > 0) {
    logged.push(await writeLogged(client, {
      importId, table: 'enrolments', op: 'insert',
      write: `INSERT INTO crm.enrolments AS t (student_id, class_id, status) SELECT * FROM unnest($1::int[], $2::int[], $3::text[]) ON CONFLICT DO NOTHING
              RETURNING t.student_id, t.class_id, md5(t::text) AS h`,
      params: [plan.enrolmentInserts.map((e) => resolve(e.student, newIds)), plan.enrolmentInserts.map((e) => resolve(e.classRef, newIds)), plan.enrolmentInserts.map((e) => e.status)],
    }));
  }
  if (plan.enrolmentUpdates.length > 0) {
    const unnest = 'unnest($1::int[], $2::int[], $3::text[]) AS u (s, c, status)';
    logged.push(await writeLogged(client, {
      importId, table: 'enrolments', op: 'update',
      write: `UPDATE crm.enrolments t SET status = u.status FROM ${unnest} JOIN crm.enrolments o ON o.student_id = u.s AND o.class_id = u.c
              WHERE t.student_id = u.s AND t.class_id = u.c RETURNING t.student_id, t.class_id, md5(t::text) AS h, o AS before`,
      params: [plan.enrolmentUpdates.map((e) => e.studentId), plan.enrolmentUpdates.map((e) => e.classId), plan.enrolmentUpdates.map((e) => e.status)],
    }));
  }
}

async function writeContacts(client: PoolClient, importId: number, plan: CommitPlan, newIds: Map<string, number>, logged: LoggedWrite[]): Promise<void> {
  if (plan.contactInserts.length > 0) {
    logged.push(await writeLogged(client, {
      importId, table: 'student_contacts', op: 'insert',
      write: `INSERT INTO crm.student_contacts AS t (student_id, phone, name, relation) SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])
              ON CONFLICT (student_id, phone) DO NOTHING RETURNING t.id, t.student_id, md5(t::text) AS h`,
      params: [plan.contactInserts.map((c) => resolve(c.student, newIds)), plan.contactInserts.map((c) => c.phone), plan.contactInserts.map((c) => c.name),
        plan.contactInserts.map((c) => c.relation)],
    }));
  }
  if (plan.contactUpdates.length > 0) {
    const unnest = 'unnest($1::int[], $2::text[], $3::text[]) AS u (id, name, relation)';
    logged.push(await writeLogged(client, {
      importId, table: 'student_contacts', op: 'update',
      write: `UPDATE crm.student_contacts t SET name = u.name, relation = u.relation FROM ${unnest} JOIN crm.student_contacts o ON o.id = u.id
              WHERE t.id = u.id RETURNING t.id, t.student_id, md5(t::text) AS h, o AS before`,
      params: [plan.contactUpdates.map((c) => c.id), plan.contactUpdates.map((c) => c.name), plan.contactUpdates.map((c) => c.relation)],
    }));
  }
}

/**
 * ID numbers go to their own table, encrypted. The undo log gets only their students' keys and the hashes of the
 * encrypted rows: undo deletes what the import stored and cannot put back a number it never kept (a number the import
 * replaced is not restored; the pupil then has none until a file gives it again).
 */
async function writeNationalIds(client: PoolClient, importId: number, plan: CommitPlan, newIds: Map<string, number>, logged: LoggedWrite[]): Promise<void> {
  if (plan.nationalIds.length === 0) return;
  const sealed = plan.nationalIds.map((n) => n.sealed);
  logged.push(await writeLogged(client, {
    importId, table: 'student_national_ids', op: 'insert',
    write: `INSERT INTO crm.student_national_ids AS t (student_id, key_id, ciphertext, lookup_hash, masked)
            SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[])
            ON CONFLICT (student_id) DO UPDATE SET key_id = EXCLUDED.key_id, ciphertext = EXCLUDED.ciphertext, lookup_hash = EXCLUDED.lookup_hash,
              masked = EXCLUDED.masked, updated_at = now()
            RETURNING t.student_id, md5(t::text) AS h`,
    params: [plan.nationalIds.map((n) => resolve(n.student, newIds)), sealed.map((s) => s.keyId), sealed.map((s) => s.ciphertext), sealed.map((s) => s.hash),
      sealed.map((s) => s.masked)],
  }));
}
