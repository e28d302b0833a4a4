import type { Queryable } from '@doitcrm/kit';

export interface ExportClass {
  id: number;
  sectionName: string;
  levelName: string;
  name: string;
  roomId: string | null;
  teacher: string | null;
  headTeacher: string | null;
  startTime: string | null;
  endTime: string | null;
  courseProgress: string | null;
  promotion: string | null;
  isActive: boolean;
}

export interface ExportEnrolment {
  classId: number;
  name: string;
  englishName: string | null;
  status: string;
  studentStatus: string;
  school: string | null;
}

export async function exportClasses(db: Queryable, includeInactive: boolean): Promise<ExportClass[]> {
  const { rows } = await db.query<ExportClass>(
    `SELECT c.id, s.name AS "sectionName", l.name AS "levelName", c.name, c.room_id AS "roomId", t.name AS teacher, h.name AS "headTeacher",
            c.start_time AS "startTime", c.end_time AS "endTime", c.course_progress AS "courseProgress", c.promotion, c.is_active AS "isActive"
     FROM crm.classes c JOIN crm.levels l ON l.id = c.level_id JOIN crm.sections s ON s.id = l.section_id
     LEFT JOIN crm.staff t ON t.id = c.teacher_staff_id LEFT JOIN crm.staff h ON h.id = c.head_teacher_staff_id
     WHERE $1 OR c.is_active
     ORDER BY s.sort_order, l.sort_order, c.id`,
    [includeInactive],
  );
  return rows;
}

export async function exportEnrolments(db: Queryable, classIds: number[]): Promise<ExportEnrolment[]> {
  const { rows } = await db.query<ExportEnrolment>(
    `SELECT e.class_id AS "classId", st.name, st.english_name AS "englishName", e.status, st.status AS "studentStatus", st.school
     FROM crm.enrolments e JOIN crm.students st ON st.id = e.student_id
     WHERE e.class_id = ANY($1::int[]) ORDER BY e.class_id, st.id`,
    [classIds],
  );
  return rows;
}
