import { type Queryable } from '@doitcrm/kit';
import { PERSON_ROLES, type IdKind, type PersonRole } from '@doitcrm/types';
import type { ClassOption, MapperStats, NameStatus, StudentOption, UserGroup } from '../contract.ts';

export async function readStats(db: Queryable): Promise<MapperStats> {
  const [rooms, users, roles, kinds, names, extraction] = await Promise.all([
    db.query<{ total: number; mapped: number; linked: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE i.is_mapped)::int AS mapped,
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM crm.classes c WHERE c.room_id = i.original_id))::int AS linked
       FROM crm.room_identities i`),
    db.query<{ total: number; mapped: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE i.is_mapped)::int AS mapped
       FROM crm.user_identities i`),
    db.query<{ user_role: PersonRole; n: number }>(
      "SELECT user_role, count(*)::int AS n FROM crm.identities WHERE id_type = 'user_id' AND user_role IS NOT NULL GROUP BY user_role"),
    db.query<{ id_kind: IdKind; n: number }>("SELECT id_kind, count(*)::int AS n FROM crm.identities WHERE id_type = 'user_id' GROUP BY id_kind"),
    db.query<{ name_status: NameStatus; n: number }>("SELECT name_status, count(*)::int AS n FROM crm.identities WHERE id_type = 'user_id' GROUP BY name_status"),
    db.query<{ at: Date; whole_archive: boolean; seen_ids: number; new_ids: number }>(
      'SELECT extracted_at AS at, whole_archive, seen_ids, new_ids FROM crm.extractions ORDER BY extracted_at DESC LIMIT 1'),
  ]);
  const byRole = Object.fromEntries(PERSON_ROLES.map((role) => [role, 0])) as Record<PersonRole, number>;
  for (const row of roles.rows) byRole[row.user_role] = row.n;
  const nameCounts: Record<NameStatus, number> = { pending: 0, resolved: 0, unresolvable: 0 };
  for (const row of names.rows) nameCounts[row.name_status] = row.n;
  const room = rooms.rows[0]!;
  const user = users.rows[0]!;
  return {
    rooms: { total: room.total, mapped: room.mapped, unmapped: room.total - room.mapped, linkedToClass: room.linked },
    users: { total: user.total, mapped: user.mapped, unmapped: user.total - user.mapped, byRole,
      byKind: Object.fromEntries(kinds.rows.map((row) => [row.id_kind, row.n])), names: nameCounts },
    lastExtraction: extraction.rows[0]
      ? { at: extraction.rows[0].at.toISOString(), wholeArchive: extraction.rows[0].whole_archive, seenIds: extraction.rows[0].seen_ids,
        newIds: extraction.rows[0].new_ids }
      : null,
  };
}

const CLASS_SELECT = `SELECT c.id, c.name, c.room_id, l.name AS level_name, sec.name AS section_name,
    r.display_name AS room_name
  FROM crm.classes c JOIN crm.levels l ON l.id = c.level_id JOIN crm.sections sec ON sec.id = l.section_id
  LEFT JOIN crm.identities r ON r.id_type = 'room_id' AND r.original_id = c.room_id`;

type ClassRow = { id: number; name: string; room_id: string | null; level_name: string; section_name: string; room_name: string | null };
const toClassOption = (row: ClassRow): ClassOption => ({
  id: row.id, name: row.name, roomId: row.room_id, levelName: row.level_name, sectionName: row.section_name, roomName: row.room_name,
});

export async function listClasses(db: Queryable, keyword: string | undefined): Promise<ClassOption[]> {
  const { rows } = await db.query<ClassRow>(
    `${CLASS_SELECT} WHERE c.is_active AND ($1::text IS NULL OR c.name ILIKE '%' || $1 || '%')
     ORDER BY sec.sort_order, l.sort_order, c.name`,
    [keyword ?? null],
  );
  return rows.map(toClassOption);
}

export async function findClass(db: Queryable, id: number): Promise<ClassOption | null> {
  const { rows } = await db.query<ClassRow>(`${CLASS_SELECT} WHERE c.id = $1`, [id]);
  return rows[0] ? toClassOption(rows[0]) : null;
}

export async function classOwningRoom(db: Queryable, roomId: string): Promise<ClassOption | null> {
  const { rows } = await db.query<ClassRow>(`${CLASS_SELECT} WHERE c.room_id = $1`, [roomId]);
  return rows[0] ? toClassOption(rows[0]) : null;
}

export async function setClassRoom(db: Queryable, classId: number, roomId: string | null): Promise<void> {
  await db.query('UPDATE crm.classes SET room_id = $2, updated_at = now() WHERE id = $1', [classId, roomId]);
}

export async function searchStudents(db: Queryable, filter: { keyword?: string; classId?: number; limit: number }): Promise<StudentOption[]> {
  const { rows } = await db.query<{ id: number; name: string; english_name: string | null; status: string; classes: StudentOption['classes'] }>(
    `SELECT s.id, s.name, s.english_name, s.status,
       coalesce((SELECT json_agg(json_build_object('classId', c.id, 'name', c.name) ORDER BY c.name)
                 FROM crm.enrolments e JOIN crm.classes c ON c.id = e.class_id WHERE e.student_id = s.id), '[]'::json) AS classes
     FROM crm.students s
     WHERE ($1::text IS NULL OR s.name ILIKE '%' || $1 || '%' OR s.english_name ILIKE '%' || $1 || '%')
       AND ($2::int IS NULL OR EXISTS (SELECT 1 FROM crm.enrolments e WHERE e.student_id = s.id AND e.class_id = $2))
     ORDER BY s.name, s.id LIMIT $3`,
    [filter.keyword ?? null, filter.classId ?? null, filter.limit],
  );
  return rows.map((row) => ({ id: row.id, name: row.name, englishName: row.english_name, status: row.status, classes: row.classes }));
}

/** The groups a person spoke or listened in, most recent first. */
export async function groupsOfUser(db: Queryable, userId: string): Promise<UserGroup[]> {
  const { rows } = await db.query<{ room_id: string; name: string | null; message_count: number; last_at: Date }>(
    `SELECT a.room_id, r.display_name AS name, sum(a.sent + a.received)::int AS message_count, max(a.last_at) AS last_at
     FROM crm.identity_activity a LEFT JOIN crm.identities r ON r.id_type = 'room_id' AND r.original_id = a.room_id
     WHERE a.original_id = $1 AND a.room_id IS NOT NULL
     GROUP BY a.room_id, r.display_name
     ORDER BY max(a.last_at) DESC LIMIT 100`,
    [userId],
  );
  return rows.map((row) => ({ roomId: row.room_id, name: row.name, messageCount: row.message_count, lastAt: row.last_at.toISOString() }));
}
