import type { Queryable } from '@doitcrm/kit';
import type { ClassRecord, ContactRecord, EnrolmentRecord, LevelInfo, RosterSnapshot, SnapshotScope, StaffInfo, StudentRecord } from '../domain/snapshot.ts';
import { readSettings } from './settings-repository.ts';

export const CLASS_SELECT = `
  SELECT c.id, c.name, c.room_id AS "roomId", c.level_id AS "levelId", l.name AS "levelName", s.name AS "sectionName",
         c.teacher_staff_id AS "teacherStaffId", t.name AS "teacherName", c.head_teacher_staff_id AS "headTeacherStaffId",
         h.name AS "headTeacherName", c.start_time AS "startTime", c.end_time AS "endTime", c.course_progress AS "courseProgress",
         c.promotion, c.is_active AS "isActive"
  FROM crm.classes c
  JOIN crm.levels l ON l.id = c.level_id
  JOIN crm.sections s ON s.id = l.section_id
  LEFT JOIN crm.staff t ON t.id = c.teacher_staff_id
  LEFT JOIN crm.staff h ON h.id = c.head_teacher_staff_id`;

export async function loadLevels(db: Queryable): Promise<LevelInfo[]> {
  const { rows } = await db.query<LevelInfo>(
    `SELECT l.id, l.name, s.name AS "sectionName" FROM crm.levels l JOIN crm.sections s ON s.id = l.section_id
     WHERE l.is_active ORDER BY s.sort_order, l.sort_order`,
  );
  return rows;
}

/**
 * The part of the roster a draft can touch (see SnapshotScope), in a fixed number of queries whatever the file's
 * size, and proportional to the file's classes rather than to the whole roster: all classes and staff (a school has
 * about a hundred), the pupils, enrolments and contacts of the file's classes, and namesake counts.
 */
export async function loadSnapshot(db: Queryable, scope: SnapshotScope): Promise<RosterSnapshot> {
  // one query after another: db may be a transaction's single client
  const levels = await loadLevels(db);
  const staff = (await db.query<StaffInfo>('SELECT id, name, role FROM crm.staff WHERE is_active ORDER BY id')).rows;
  const classes = (await db.query<ClassRecord>(`${CLASS_SELECT} ORDER BY c.id`)).rows;
  const settings = await readSettings(db);
  const classNames = new Set(scope.classNames);
  const roomIds = new Set(scope.roomIds);
  const fileClassIds = classes.filter((c) => classNames.has(c.name) || (c.roomId !== null && roomIds.has(c.roomId))).map((c) => c.id);
  const enrolments = (await db.query<EnrolmentRecord>(
    `SELECT e.student_id AS "studentId", e.class_id AS "classId", e.status FROM crm.enrolments e
     WHERE e.class_id = ANY($1::int[]) ORDER BY e.class_id, e.student_id`,
    [fileClassIds],
  )).rows;
  const { rows: studentRows } = await db.query<StudentRecord>(
    `SELECT st.id, st.name, st.english_name AS "englishName", st.status, st.school, st.address,
            n.lookup_hash AS "nationalIdHash", n.masked AS "nationalIdMasked"
     FROM crm.students st LEFT JOIN crm.student_national_ids n ON n.student_id = st.id
     WHERE st.id IN (SELECT DISTINCT e.student_id FROM crm.enrolments e WHERE e.class_id = ANY($1::int[])
                     UNION SELECT s.id FROM crm.students s JOIN unnest($2::text[]) AS n (name) ON s.name = n.name)`,
    [fileClassIds, scope.classlessNames],
  );
  const students = new Map(studentRows.map((row) => [row.id, row]));
  const contacts = (await db.query<ContactRecord>(
    `SELECT c.id, c.student_id AS "studentId", c.name, c.relation, c.phone FROM crm.student_contacts c JOIN unnest($1::int[]) AS k (id) ON c.student_id = k.id
     ORDER BY c.id`,
    [[...students.keys()]],
  )).rows;
  const namesakeCounts = await countNamesakes(db, scope.namesakeNames);
  return { levels, staff, classes, students, enrolments, contacts, storeNationalId: settings.storeNationalId, namesakeCounts };
}

async function countNamesakes(db: Queryable, names: readonly string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  // two arrays in one row rather than a row per name: thousands of rows cost more to receive than to count
  const { rows: [counts] } = await db.query<{ names: string[] | null; counts: number[] | null }>(
    `SELECT array_agg(c.name) AS names, array_agg(c.n) AS counts
     FROM (SELECT s.name, count(*)::int AS n FROM crm.students s JOIN unnest($1::text[]) AS k (name) ON s.name = k.name GROUP BY s.name) c`,
    [names],
  );
  return new Map((counts?.names ?? []).map((name, i) => [name, counts!.counts![i]!]));
}
