import type { Queryable } from '@doitcrm/kit';
import type { IdKind, PersonRole } from '@doitcrm/types';

/**
 * What the suggestion rules read. Everything about who was where comes from crm.identity_activity (per id, day and
 * room): chat.messages is never scanned. Read-only.
 */

export type StaffRole = Exclude<PersonRole, 'parent'>;

/** A user id that lacks something a suggestion could give: a role, or (a parent) a student. */
export interface OpenUser {
  id: number;
  originalId: string;
  idKind: IdKind;
  wecomNickname: string | null;
  businessName: string | null;
  /** the database's display name (crm.identities.display_name): business name, else nickname; null when unnamed */
  displayName: string | null;
  userRole: PersonRole | null;
  /** a guardian of some student already (only possible here for an id without a role) */
  hasStudents: boolean;
  /** the crm.staff row linked to this identity */
  staff: { name: string; role: StaffRole; isActive: boolean } | null;
}

export async function findOpenUsers(db: Queryable): Promise<OpenUser[]> {
  const { rows } = await db.query<{
    id: number; original_id: string; id_kind: IdKind; wecom_nickname: string | null; business_name: string | null; display_name: string | null;
    user_role: PersonRole | null; has_students: boolean; staff_name: string | null; staff_role: StaffRole | null; staff_active: boolean | null;
  }>(
    `SELECT * FROM (
       SELECT i.id, i.original_id, i.id_kind, i.wecom_nickname, i.business_name, i.display_name, i.user_role,
              EXISTS (SELECT 1 FROM crm.guardianships g WHERE g.identity_id = i.id) AS has_students,
              s.name AS staff_name, s.role AS staff_role, s.is_active AS staff_active
       FROM crm.identities i
       LEFT JOIN crm.staff s ON s.identity_id = i.id
       WHERE i.id_type = 'user_id' AND i.id_kind <> 'bot' AND (i.user_role IS NULL OR i.user_role = 'parent')
     ) open_user
     WHERE user_role IS NULL OR NOT has_students`,
  );
  return rows.map((row) => ({
    id: row.id,
    originalId: row.original_id,
    idKind: row.id_kind,
    wecomNickname: row.wecom_nickname,
    businessName: row.business_name,
    displayName: row.display_name,
    userRole: row.user_role,
    hasStudents: row.has_students,
    staff: row.staff_role ? { name: row.staff_name ?? '', role: row.staff_role, isActive: row.staff_active ?? true } : null,
  }));
}

/** All-time counts of one id in one room (roomId null = its 1:1 chats). */
export interface ActivityTotal {
  originalId: string;
  roomId: string | null;
  sent: number;
  received: number;
}

/** All-time activity, one row per id and chat (a few thousand rows for a school), kept by the extraction. */
export async function findActivityTotals(db: Queryable): Promise<ActivityTotal[]> {
  const { rows } = await db.query<{ original_id: string; room_id: string | null; sent: number; received: number }>(
    'SELECT original_id, room_id, sent, received FROM crm.identity_room_totals',
  );
  return rows.map((row) => ({ originalId: row.original_id, roomId: row.room_id, sent: row.sent, received: row.received }));
}

/** Moves whenever activity is written: every extraction is recorded in the same transaction as its activity. */
export async function findActivityFingerprint(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ fingerprint: string }>(
    "SELECT coalesce(max(id), 0) || ':' || count(*) AS fingerprint FROM crm.extractions",
  );
  return rows[0]?.fingerprint ?? '';
}

export interface ClassRow {
  id: number;
  name: string;
  roomId: string | null;
  levelName: string;
  headTeacherStaffId: number | null;
  /** the WeCom id of the class's teacher, when the teacher is linked to one */
  teacherOriginalId: string | null;
  isActive: boolean;
}

export async function findClasses(db: Queryable): Promise<ClassRow[]> {
  const { rows } = await db.query<{
    id: number; name: string; room_id: string | null; level_name: string; head_teacher_staff_id: number | null;
    teacher_original_id: string | null; is_active: boolean;
  }>(
    `SELECT c.id, c.name, c.room_id, l.name AS level_name, c.head_teacher_staff_id, ti.original_id AS teacher_original_id, c.is_active
     FROM crm.classes c
     JOIN crm.levels l ON l.id = c.level_id
     LEFT JOIN crm.staff t ON t.id = c.teacher_staff_id
     LEFT JOIN crm.identities ti ON ti.id = t.identity_id`,
  );
  return rows.map((row) => ({
    id: row.id, name: row.name, roomId: row.room_id, levelName: row.level_name, headTeacherStaffId: row.head_teacher_staff_id,
    teacherOriginalId: row.teacher_original_id, isActive: row.is_active,
  }));
}

export interface RosterEntry {
  studentId: number;
  name: string;
  englishName: string | null;
  status: string;
  classId: number;
  hasPrimaryGuardian: boolean;
}

export async function findRoster(db: Queryable, classIds: readonly number[]): Promise<RosterEntry[]> {
  if (classIds.length === 0) return [];
  const { rows } = await db.query<{
    student_id: number; name: string; english_name: string | null; status: string; class_id: number; has_primary: boolean;
  }>(
    `SELECT s.id AS student_id, s.name, s.english_name, s.status, e.class_id,
            EXISTS (SELECT 1 FROM crm.guardianships g WHERE g.student_id = s.id AND g.is_primary) AS has_primary
     FROM crm.enrolments e JOIN crm.students s ON s.id = e.student_id
     WHERE e.class_id = ANY($1::int[])`,
    [classIds],
  );
  return rows.map((row) => ({
    studentId: row.student_id, name: row.name, englishName: row.english_name, status: row.status, classId: row.class_id,
    hasPrimaryGuardian: row.has_primary,
  }));
}

/** WeCom ids of the corp's own members (id kind staff), whatever their role. */
export async function findStaffIds(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ original_id: string }>(
    `SELECT original_id FROM crm.identities WHERE id_type = 'user_id' AND id_kind = 'staff'`);
  return new Set(rows.map((row) => row.original_id));
}

/** A customer group no class is linked to (staff-only internal groups are never class groups). */
export interface UnlinkedRoom {
  originalId: string;
  wecomNickname: string | null;
  businessName: string | null;
  /** the database's display name (crm.identities.display_name); null when unnamed */
  displayName: string | null;
}

export async function findUnlinkedRooms(db: Queryable): Promise<UnlinkedRoom[]> {
  const { rows } = await db.query<{ original_id: string; wecom_nickname: string | null; business_name: string | null; display_name: string | null }>(
    `SELECT r.original_id, r.wecom_nickname, r.business_name, r.display_name
     FROM crm.identities r
     WHERE r.id_type = 'room_id' AND r.id_kind = 'customer_group'
       AND NOT EXISTS (SELECT 1 FROM crm.classes c WHERE c.room_id = r.original_id)`,
  );
  return rows.map((row) => ({
    originalId: row.original_id, wecomNickname: row.wecom_nickname, businessName: row.business_name, displayName: row.display_name,
  }));
}

/** External ids with students, and the classes those students are enrolled in (classId null: not enrolled). */
export interface GuardianClass {
  originalId: string;
  classId: number | null;
}

export async function findGuardianClasses(db: Queryable): Promise<GuardianClass[]> {
  const { rows } = await db.query<{ original_id: string; class_id: number | null }>(
    `SELECT DISTINCT i.original_id, e.class_id
     FROM crm.guardianships g
     JOIN crm.identities i ON i.id = g.identity_id AND i.id_kind IN ('external_wechat', 'external_wecom')
     LEFT JOIN crm.enrolments e ON e.student_id = g.student_id`,
  );
  return rows.map((row) => ({ originalId: row.original_id, classId: row.class_id }));
}
