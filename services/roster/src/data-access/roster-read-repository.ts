import type { Queryable } from '@doitcrm/kit';
import { maskPhone, toIso } from '@doitcrm/kit';
import type { ClassDetail, RevealedPhone, RosterStudent, SectionNode, StaffRef } from '../contract.ts';

/** 段 → 阶 → 班级, with each class's pupil count; inactive classes only when asked for. */
export async function readHierarchy(db: Queryable, includeInactive: boolean): Promise<SectionNode[]> {
  const { rows } = await db.query<{ sectionId: number; sectionName: string; levelId: number; levelName: string; classId: number | null;
    className: string | null; roomId: string | null; isActive: boolean | null; studentCount: number }>(
    `SELECT s.id AS "sectionId", s.name AS "sectionName", l.id AS "levelId", l.name AS "levelName", c.id AS "classId", c.name AS "className",
            c.room_id AS "roomId", c.is_active AS "isActive", (SELECT count(*) FROM crm.enrolments e WHERE e.class_id = c.id)::int AS "studentCount"
     FROM crm.sections s JOIN crm.levels l ON l.section_id = s.id
     LEFT JOIN crm.classes c ON c.level_id = l.id AND ($1 OR c.is_active)
     WHERE s.is_active AND l.is_active
     ORDER BY s.sort_order, l.sort_order, c.name, c.id`,
    [includeInactive],
  );
  const sections: SectionNode[] = [];
  for (const row of rows) {
    let section = sections.find((s) => s.id === row.sectionId);
    if (!section) sections.push(section = { id: row.sectionId, name: row.sectionName, levels: [] });
    let level = section.levels.find((l) => l.id === row.levelId);
    if (!level) section.levels.push(level = { id: row.levelId, name: row.levelName, classes: [] });
    if (row.classId !== null) {
      level.classes.push({ id: row.classId, name: row.className!, roomId: row.roomId, isActive: row.isActive!, studentCount: row.studentCount });
    }
  }
  return sections;
}

const STAFF_JSON = (alias: string) => `CASE WHEN ${alias}.id IS NULL THEN NULL ELSE json_build_object('id', ${alias}.id, 'name', ${alias}.name, 'role', ${alias}.role,
  'wecomUserId', (SELECT i.original_id FROM crm.identities i WHERE i.id = ${alias}.identity_id)) END`;

export async function readClass(db: Queryable, id: number): Promise<ClassDetail | null> {
  const { rows } = await db.query<Omit<ClassDetail, 'updatedAt'> & { updatedAt: Date }>(
    `SELECT c.id, c.name, c.room_id AS "roomId", c.level_id AS "levelId", l.name AS "levelName", s.name AS "sectionName",
            ${STAFF_JSON('t')} AS teacher, ${STAFF_JSON('h')} AS "headTeacher", c.start_time AS "startTime", c.end_time AS "endTime",
            c.course_progress AS "courseProgress", c.promotion, c.max_students AS "maxStudents", c.is_active AS "isActive", c.updated_at AS "updatedAt"
     FROM crm.classes c JOIN crm.levels l ON l.id = c.level_id JOIN crm.sections s ON s.id = l.section_id
     LEFT JOIN crm.staff t ON t.id = c.teacher_staff_id LEFT JOIN crm.staff h ON h.id = c.head_teacher_staff_id
     WHERE c.id = $1`,
    [id],
  );
  const row = rows[0];
  return row ? { ...row, updatedAt: toIso(row.updatedAt)! } : null;
}

type StoredContact = { id: number; name: string | null; relation: string | null; phone: string | null };

/** A class's pupils, with their guardians' phone numbers masked: a whole number is shown one at a time (readContactPhone). */
export async function readClassStudents(db: Queryable, classId: number): Promise<RosterStudent[]> {
  const { rows } = await db.query<Omit<RosterStudent, 'contacts'> & { contacts: StoredContact[] }>(
    `SELECT st.id, st.name, st.english_name AS "englishName", st.status, e.status AS "enrolmentStatus", st.school, st.address,
            (SELECT n.masked FROM crm.student_national_ids n WHERE n.student_id = st.id) AS "nationalIdMasked",
            COALESCE((SELECT json_agg(json_build_object('id', sc.id, 'name', sc.name, 'relation', sc.relation, 'phone', sc.phone) ORDER BY sc.id)
                      FROM crm.student_contacts sc WHERE sc.student_id = st.id), '[]') AS contacts,
            COALESCE((SELECT json_agg(json_build_object('id', oc.id, 'name', oc.name) ORDER BY oc.name)
                      FROM crm.enrolments oe JOIN crm.classes oc ON oc.id = oe.class_id WHERE oe.student_id = st.id AND oe.class_id <> $1), '[]') AS "otherClasses"
     FROM crm.enrolments e JOIN crm.students st ON st.id = e.student_id
     WHERE e.class_id = $1 ORDER BY st.name, st.id`,
    [classId],
  );
  return rows.map(({ contacts, ...row }) => ({
    ...row,
    contacts: contacts.map(({ phone, ...contact }) => ({ ...contact, phoneMasked: maskPhone(phone) })),
  }));
}

/** One guardian contact's whole phone number, with the student it belongs to; null when there is no such contact. */
export async function readContactPhone(db: Queryable, contactId: number): Promise<RevealedPhone | null> {
  const { rows } = await db.query<RevealedPhone>(
    'SELECT id, student_id AS "studentId", phone FROM crm.student_contacts WHERE id = $1', [contactId]);
  return rows[0] ?? null;
}

export async function readStaff(db: Queryable): Promise<StaffRef[]> {
  const { rows } = await db.query<StaffRef>(
    `SELECT s.id, s.name, s.role, i.original_id AS "wecomUserId" FROM crm.staff s LEFT JOIN crm.identities i ON i.id = s.identity_id
     WHERE s.is_active ORDER BY s.role, s.name, s.id`,
  );
  return rows;
}

/** Other students carrying the same name, with their classes: the candidates an operator may merge a record into. */
export async function readNamesakes(db: Queryable, studentId: number): Promise<Array<{ id: number; name: string; status: string; classes: string[] }>> {
  const { rows } = await db.query<{ id: number; name: string; status: string; classes: string[] }>(
    `SELECT o.id, o.name, o.status,
            COALESCE(array_agg(c.name ORDER BY c.name) FILTER (WHERE c.id IS NOT NULL), '{}') AS classes
     FROM crm.students me JOIN crm.students o ON o.name = me.name AND o.id <> me.id
     LEFT JOIN crm.enrolments e ON e.student_id = o.id LEFT JOIN crm.classes c ON c.id = e.class_id
     WHERE me.id = $1 GROUP BY o.id ORDER BY o.id LIMIT 50`,
    [studentId],
  );
  return rows;
}
