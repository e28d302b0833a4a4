import type { Queryable } from '@doitcrm/kit';
import type { ClassRecord, ContactRecord, EnrolmentRecord, LevelInfo, RosterSnapshot, StaffInfo, StudentRecord } from '../domain/snapshot.ts';
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
 * The part of the roster an import can touch, in five queries whatever the file's size: all classes and staff (a
 * school has about a hundred), and the pupils enrolled in those classes or sharing a name with the file's pupils.
 */
export async function loadSnapshot(db: Queryable, studentNames: readonly string[]): Promise<RosterSnapshot> {
  // one query after another: db may be a transaction's single client
  const levels = await loadLevels(db);
  const staff = (await db.query<StaffInfo>('SELECT id, name, role FROM crm.staff WHERE is_active ORDER BY id')).rows;
  const classes = (await db.query<ClassRecord>(`${CLASS_SELECT} ORDER BY c.id`)).rows;
  const settings = await readSettings(db);
  const { rows: studentRows } = await db.query<StudentRecord>(
    `SELECT st.id, st.name, st.english_name AS "englishName", st.status, st.school, st.address, st.national_id AS "nationalId"
     FROM crm.students st
     WHERE st.id IN (SELECT s.id FROM crm.students s JOIN unnest($1::text[]) AS n (name) ON s.name = n.name
                     UNION SELECT student_id FROM crm.enrolments)`,
    [[...new Set(studentNames)]],
  );
  const students = new Map(studentRows.map((row) => [row.id, row]));
  const ids = [...students.keys()];
  const enrolments = (await db.query<EnrolmentRecord>(
    `SELECT e.student_id AS "studentId", e.class_id AS "classId", e.status FROM crm.enrolments e JOIN unnest($1::int[]) AS k (id) ON e.student_id = k.id
     ORDER BY e.class_id, e.student_id`,
    [ids],
  )).rows;
  const contacts = (await db.query<ContactRecord>(
    `SELECT c.id, c.student_id AS "studentId", c.name, c.relation, c.phone FROM crm.student_contacts c JOIN unnest($1::int[]) AS k (id) ON c.student_id = k.id
     ORDER BY c.id`,
    [ids],
  )).rows;
  return { levels, staff, classes, students, enrolments, contacts, storeNationalId: settings.storeNationalId };
}
