import { toIso, type Queryable } from '@doitcrm/kit';
import type { GuardianRelation, IdKind, PersonRole } from '@doitcrm/types';
import type { IdType, MappingPage, MappingQuery, NameStatus, RoomMapping, StudentLink, UserMapping } from '../contract.ts';
import { decodeCursor, encodeCursor } from './mapping-cursor.ts';
import { buildMappingFilter } from './mapping-filter.ts';

interface IdentityRow {
  id: number;
  id_type: IdType;
  original_id: string;
  id_kind: IdKind;
  wecom_nickname: string | null;
  business_name: string | null;
  user_role: PersonRole | null;
  notes: string | null;
  name_status: NameStatus;
  name_error: string | null;
  first_seen_at: Date | null;
  last_seen_at: Date | null;
  updated_at: Date;
  is_mapped: boolean;
}

/** One page of identities matching the filter, newest activity first, and the total over all pages. */
async function pageOfIdentities(db: Queryable, idType: IdType, query: MappingQuery, onlyOriginalId?: string): Promise<{ rows: IdentityRow[]; total: number; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  const filter = buildMappingFilter(idType, query);
  if (onlyOriginalId !== undefined) {
    filter.values.push(onlyOriginalId);
    filter.where += ` AND i.original_id = $${filter.values.length}`;
  }
  const cursor = decodeCursor(query.cursor);
  const values = [...filter.values];
  let keyset = '';
  if (cursor) {
    values.push(cursor.lastSeen, cursor.id);
    keyset = ` AND (coalesce(i.last_seen_at, '-infinity'), i.id) < ($${values.length - 1}::timestamptz, $${values.length}::bigint)`;
  }
  values.push(limit + 1);
  const [{ rows }, { rows: [count] }] = await Promise.all([
    db.query<IdentityRow>(
      `SELECT i.* FROM ${filter.from}
       WHERE ${filter.where}${keyset}
       ORDER BY coalesce(i.last_seen_at, '-infinity') DESC, i.id DESC LIMIT $${values.length}`,
      values,
    ),
    db.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${filter.from} WHERE ${filter.where}`, filter.values),
  ]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, total: count!.total, nextCursor: rows.length > limit && last ? encodeCursor({ lastSeenAt: last.last_seen_at, id: last.id }) : null };
}

function baseOf(row: IdentityRow) {
  return {
    id: row.id,
    originalId: row.original_id,
    idKind: row.id_kind,
    wecomNickname: row.wecom_nickname,
    businessName: row.business_name,
    notes: row.notes,
    nameStatus: row.name_status,
    nameError: row.name_error,
    state: row.is_mapped ? 'mapped' as const : 'unmapped' as const,
    firstSeenAt: toIso(row.first_seen_at),
    lastSeenAt: toIso(row.last_seen_at),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Students of these identities with their classes (one query for the whole page). */
export async function studentsOf(db: Queryable, identityIds: number[]): Promise<Map<number, StudentLink[]>> {
  const { rows } = await db.query<{ identity_id: number; student_id: number; name: string; english_name: string | null; status: string;
    relation: GuardianRelation; is_primary: boolean; classes: StudentLink['classes'] }>(
    `SELECT g.identity_id, s.id AS student_id, s.name, s.english_name, s.status, g.relation, g.is_primary,
       coalesce((SELECT json_agg(json_build_object('classId', c.id, 'name', c.name, 'levelName', l.name, 'sectionName', sec.name)
                 ORDER BY sec.sort_order, l.sort_order, c.name)
                 FROM crm.enrolments e JOIN crm.classes c ON c.id = e.class_id JOIN crm.levels l ON l.id = c.level_id
                 JOIN crm.sections sec ON sec.id = l.section_id WHERE e.student_id = s.id), '[]'::json) AS classes
     FROM crm.guardianships g JOIN crm.students s ON s.id = g.student_id
     WHERE g.identity_id = ANY($1::bigint[])
     ORDER BY g.is_primary DESC, s.name`,
    [identityIds],
  );
  const byIdentity = new Map<number, StudentLink[]>();
  for (const row of rows) {
    const list = byIdentity.get(row.identity_id) ?? [];
    list.push({ studentId: row.student_id, name: row.name, englishName: row.english_name, status: row.status, relation: row.relation,
      isPrimary: row.is_primary, classes: row.classes });
    byIdentity.set(row.identity_id, list);
  }
  return byIdentity;
}

export async function listUserMappings(db: Queryable, query: MappingQuery, onlyOriginalId?: string): Promise<MappingPage<UserMapping>> {
  const page = await pageOfIdentities(db, 'user_id', query, onlyOriginalId);
  const ids = page.rows.map((row) => row.original_id);
  const windowed = Boolean(query.from || query.to);
  const [students, activity, lastRooms] = await Promise.all([
    studentsOf(db, page.rows.map((row) => row.id)),
    // a window sums its days; without one the all-time totals are read as they are
    windowed
      ? db.query<{ original_id: string; sent: number; received: number }>(
        `SELECT original_id, sum(sent)::int AS sent, sum(received)::int AS received FROM crm.identity_activity
         WHERE original_id = ANY($1::text[]) AND ($2::date IS NULL OR day >= $2::date) AND ($3::date IS NULL OR day <= $3::date)
         GROUP BY original_id`,
        [ids, query.from ?? null, query.to ?? null])
      : db.query<{ original_id: string; sent: number; received: number }>(
        'SELECT original_id, sent, received FROM crm.identity_totals WHERE original_id = ANY($1::text[])', [ids]),
    db.query<{ original_id: string; room_id: string; last_at: Date; name: string | null }>(
      `SELECT t.original_id, t.last_room_id AS room_id, t.last_room_at AS last_at, r.display_name AS name
       FROM crm.identity_totals t LEFT JOIN crm.identities r ON r.id_type = 'room_id' AND r.original_id = t.last_room_id
       WHERE t.original_id = ANY($1::text[]) AND t.last_room_id IS NOT NULL`,
      [ids],
    ),
  ]);
  const counts = new Map(activity.rows.map((row) => [row.original_id, row]));
  const rooms = new Map(lastRooms.rows.map((row) => [row.original_id, row]));
  return {
    total: page.total,
    nextCursor: page.nextCursor,
    items: page.rows.map((row) => {
      const room = rooms.get(row.original_id);
      return {
        ...baseOf(row),
        idType: 'user_id' as const,
        userRole: row.user_role,
        students: students.get(row.id) ?? [],
        sent: counts.get(row.original_id)?.sent ?? 0,
        received: counts.get(row.original_id)?.received ?? 0,
        lastRoom: room ? { roomId: room.room_id, name: room.name, at: room.last_at.toISOString() } : null,
      };
    }),
  };
}

export async function listRoomMappings(db: Queryable, query: MappingQuery, onlyOriginalId?: string): Promise<MappingPage<RoomMapping>> {
  const page = await pageOfIdentities(db, 'room_id', query, onlyOriginalId);
  const { rows } = await db.query<{ room_id: string; member_count: number | null; message_count: number | null;
    class_id: number | null; class_name: string | null; level_name: string | null; section_name: string | null }>(
    `SELECT ids.room_id, st.member_count, st.message_count, c.id AS class_id, c.name AS class_name, l.name AS level_name, sec.name AS section_name
     FROM unnest($1::text[]) AS ids (room_id)
     LEFT JOIN crm.room_stats st ON st.room_id = ids.room_id
     LEFT JOIN crm.classes c ON c.room_id = ids.room_id
     LEFT JOIN crm.levels l ON l.id = c.level_id LEFT JOIN crm.sections sec ON sec.id = l.section_id`,
    [page.rows.map((row) => row.original_id)],
  );
  const extra = new Map(rows.map((row) => [row.room_id, row]));
  return {
    total: page.total,
    nextCursor: page.nextCursor,
    items: page.rows.map((row) => {
      const more = extra.get(row.original_id);
      return {
        ...baseOf(row),
        idType: 'room_id' as const,
        linkedClass: more?.class_id ? { classId: more.class_id, name: more.class_name!, levelName: more.level_name!, sectionName: more.section_name! } : null,
        memberCount: more?.member_count ?? 0,
        messageCount: more?.message_count ?? 0,
      };
    }),
  };
}

export async function findMapping(db: Queryable, idType: IdType, originalId: string): Promise<UserMapping | RoomMapping | null> {
  const page = idType === 'user_id' ? await listUserMappings(db, { limit: 1 }, originalId) : await listRoomMappings(db, { limit: 1 }, originalId);
  return page.items[0] ?? null;
}
