import type pg from 'pg';
import type { PoolClient } from '@doitcrm/kit';
import { GroupTally } from './legacy-report.ts';
import type { LegacySchema } from './legacy-source.ts';
import { findLink, saveLink } from './legacy-links.ts';
import type { LegacyV1Mapping } from './legacy-people.ts';

export interface ClassMaps {
  /** legacy v2.classes id → class here */
  byLegacyId: Map<number, number>;
  /** WeCom group id → class here (the class_room_id fallback reads this) */
  byRoom: Map<string, number>;
}

interface LegacyClass {
  id: number; level_id: number; room_id: string | null; name: string; teacher_wecom_id: string | null; head_teacher_wecom_id: string | null;
  start_time: string | null; end_time: string | null; course_progress: string | null; promotion: string | null; max_students: number | null; is_active: boolean | null;
}

const blank = (value: string | null | undefined) => value === null || value === undefined || value.trim() === '';

/** A section or level here with the original's code, else its name; created when neither exists. */
async function matchTier(client: PoolClient, table: 'sections' | 'levels', row: { name: string; code: string; sort_order: number; section_id?: number }, tally: GroupTally): Promise<number> {
  const { rows } = await client.query<{ id: number }>(`SELECT id FROM crm.${table} WHERE code = $1 OR name = $2 ORDER BY (code = $1) DESC LIMIT 1`, [row.code, row.name]);
  if (rows[0]) {
    tally.counts.unchanged += 1;
    return rows[0].id;
  }
  const inserted = table === 'sections'
    ? await client.query<{ id: number }>('INSERT INTO crm.sections (name, code, sort_order) VALUES ($1, $2, $3) RETURNING id', [row.name, row.code, row.sort_order])
    : await client.query<{ id: number }>('INSERT INTO crm.levels (section_id, name, code, sort_order) VALUES ($1, $2, $3, $4) RETURNING id', [row.section_id, row.name, row.code, row.sort_order]);
  tally.counts.inserted += 1;
  return inserted.rows[0]!.id;
}

/**
 * The original typed teachers' names into its *_wecom_id columns: a name (or a WeCom id) becomes the staff member
 * here of that name, or of the identity with that id or name; a new staff member when there is none.
 */
async function staffFor(client: PoolClient, value: string | null, role: 'teacher' | 'head_teacher', tally: GroupTally, classKey: string): Promise<number | null> {
  if (blank(value)) return null;
  const name = value!.trim();
  const { rows } = await client.query<{ id: number }>(
    `SELECT s.id FROM crm.staff s LEFT JOIN crm.identities i ON i.id = s.identity_id
     WHERE s.name = $1 OR i.original_id = $1 ORDER BY (s.role = $2) DESC, s.id LIMIT 1`, [name, role]);
  if (rows[0]) return rows[0].id;
  const { rows: people } = await client.query<{ id: number; display_name: string | null }>(
    `SELECT i.id, i.display_name FROM crm.identities i WHERE i.id_type = 'user_id' AND (i.original_id = $1 OR i.display_name = $1)
       AND NOT EXISTS (SELECT 1 FROM crm.staff s WHERE s.identity_id = i.id)
     ORDER BY (i.original_id = $1) DESC, (i.user_role IN ('teacher', 'head_teacher')) DESC LIMIT 1`, [name]);
  const person = people[0];
  const { rows: created } = await client.query<{ id: number }>(
    'INSERT INTO crm.staff (name, identity_id, role) VALUES ($1, $2, $3) RETURNING id', [person?.display_name ?? name, person?.id ?? null, role]);
  tally.note('v2.classes', classKey, `老师「${name}」在本系统没有同名员工，已新建${person ? '并关联其企业微信 ID' : ''} (staff member created)`);
  return created[0]!.id;
}

async function importLegacyClass(client: PoolClient, source: string, row: LegacyClass, levelId: number, tally: GroupTally, preferLegacy: boolean): Promise<number | null> {
  const key = String(row.id);
  const room = blank(row.room_id) ? null : row.room_id!.trim();
  const link = await findLink(client, source, 'class', key, 'crm.classes');
  if (link.deletedHere) {
    tally.skip('v2.classes', `${row.id} ${row.name}`, '这个班级导入后已在本系统删除，不再重新创建 (deleted here since the last import)');
    return null;
  }
  let id = link.localId;
  if (id === null) {
    const { rows } = await client.query<{ id: number }>(
      room ? 'SELECT id FROM crm.classes WHERE room_id = $1' : 'SELECT id FROM crm.classes WHERE room_id IS NULL AND level_id = $2 AND name = $1',
      room ? [room] : [row.name, levelId]);
    id = rows[0]?.id ?? null;
  }
  const teacher = await staffFor(client, row.teacher_wecom_id, 'teacher', tally, key);
  const head = await staffFor(client, row.head_teacher_wecom_id, 'head_teacher', tally, key);
  const values = [row.name, teacher, head, row.start_time, row.end_time, row.course_progress, row.promotion, row.max_students];
  if (id === null) {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO crm.classes (level_id, room_id, name, teacher_staff_id, head_teacher_staff_id, start_time, end_time, course_progress, promotion, max_students, is_active)
       VALUES ($9, $10, $1, $2, $3, $4, $5, $6, $7, $8, $11) RETURNING id`, [...values, levelId, room, row.is_active ?? true]);
    id = rows[0]!.id;
    tally.counts.inserted += 1;
  } else {
    // a class edited here keeps its edits: only what is empty here is filled in (or, preferring legacy, overwritten)
    const pick = (column: string, param: number) => (preferLegacy ? `coalesce($${param}, ${column})` : `coalesce(${column}, $${param})`);
    const { rowCount } = await client.query(
      `UPDATE crm.classes c SET name = ${preferLegacy ? '$1::text' : 'coalesce(c.name, $1::text)'}, teacher_staff_id = ${pick('c.teacher_staff_id', 2)}, head_teacher_staff_id = ${pick('c.head_teacher_staff_id', 3)},
         start_time = ${pick('c.start_time', 4)}, end_time = ${pick('c.end_time', 5)}, course_progress = ${pick('c.course_progress', 6)},
         promotion = ${pick('c.promotion', 7)}, max_students = ${pick('c.max_students', 8)}, updated_at = now()
       WHERE c.id = $9 AND (${preferLegacy ? '$1::text' : 'coalesce(c.name, $1::text)'}, ${pick('c.teacher_staff_id', 2)}, ${pick('c.head_teacher_staff_id', 3)}, ${pick('c.start_time', 4)},
         ${pick('c.end_time', 5)}, ${pick('c.course_progress', 6)}, ${pick('c.promotion', 7)}, ${pick('c.max_students', 8)})
         IS DISTINCT FROM (c.name, c.teacher_staff_id, c.head_teacher_staff_id, c.start_time, c.end_time, c.course_progress, c.promotion, c.max_students)`,
      [...values, id]);
    if (rowCount) tally.counts.updated += 1;
    else tally.counts.unchanged += 1;
  }
  await saveLink(client, source, 'class', key, id);
  return id;
}

/** A class for a WeCom group students point at without a class (no hierarchy.sql, or class_id never set), as hierarchy.sql made them. */
async function classForRoom(client: PoolClient, source: string, room: string, tally: GroupTally): Promise<number | null> {
  const link = await findLink(client, source, 'class', `room:${room}`, 'crm.classes');
  if (link.deletedHere) return null;
  if (link.localId !== null) {
    tally.counts.unchanged += 1;
    return link.localId;
  }
  const { rows: existing } = await client.query<{ id: number }>('SELECT id FROM crm.classes WHERE room_id = $1', [room]);
  let id = existing[0]?.id;
  if (id === undefined) {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO crm.classes (level_id, room_id, name)
       SELECT coalesce((SELECT l.id FROM crm.levels l WHERE l.name = i.profile->>'student_level'), (SELECT id FROM crm.levels WHERE code = 'level_1')),
              $1, coalesce(i.display_name, $1)
       FROM (SELECT 1) one LEFT JOIN crm.identities i ON i.id_type = 'room_id' AND i.original_id = $1
       RETURNING id`, [room]);
    id = rows[0]!.id;
    tally.counts.inserted += 1;
    tally.note('class_room_id', room, `学生只有群 ID（class_room_id）没有班级：按群新建班级 (class created from class_room_id)`);
  } else tally.counts.unchanged += 1;
  await saveLink(client, source, 'class', `room:${room}`, id);
  return id;
}

/** sections, levels and classes of hierarchy.sql, and a class for each group students name only by class_room_id. */
export async function importClasses(
  legacy: pg.Client, schema: LegacySchema, client: PoolClient, v1Rows: LegacyV1Mapping[], options: { source: string; preferLegacy: boolean },
): Promise<{ tally: GroupTally; classes: ClassMaps }> {
  const tally = new GroupTally('classes');
  const classes: ClassMaps = { byLegacyId: new Map(), byRoom: new Map() };
  if (schema.hierarchy) {
    const sections = new Map<number, number>();
    for (const row of (await legacy.query<{ id: number; name: string; code: string; sort_order: number }>('SELECT id, name, code, sort_order FROM v2.sections ORDER BY id')).rows) {
      tally.counts.read += 1;
      sections.set(row.id, await matchTier(client, 'sections', row, tally));
    }
    const levels = new Map<number, number>();
    for (const row of (await legacy.query<{ id: number; section_id: number; name: string; code: string; sort_order: number }>('SELECT id, section_id, name, code, sort_order FROM v2.levels ORDER BY id')).rows) {
      tally.counts.read += 1;
      const sectionId = sections.get(row.section_id);
      if (sectionId === undefined) {
        tally.skip('v2.levels', row.name, `所属的段（${row.section_id}）不存在 (its section does not exist)`);
        continue;
      }
      levels.set(row.id, await matchTier(client, 'levels', { ...row, section_id: sectionId }, tally));
    }
    for (const row of (await legacy.query<LegacyClass>('SELECT * FROM v2.classes ORDER BY id')).rows) {
      tally.counts.read += 1;
      const levelId = levels.get(row.level_id);
      if (levelId === undefined) {
        tally.skip('v2.classes', `${row.id} ${row.name}`, `所属的阶（${row.level_id}）没有导入 (its level was not imported)`);
        continue;
      }
      const id = await importLegacyClass(client, options.source, row, levelId, tally, options.preferLegacy);
      if (id === null) continue;
      classes.byLegacyId.set(row.id, id);
      if (!blank(row.room_id)) classes.byRoom.set(row.room_id!.trim(), id);
    }
  }
  let rooms: string[];
  if (schema.students) {
    const onlyRoom = schema.hierarchy ? 'AND class_id IS NULL' : '';
    const { rows } = await legacy.query<{ room: string }>(
      `SELECT DISTINCT btrim(class_room_id) AS room FROM v2.students WHERE btrim(coalesce(class_room_id, '')) <> '' ${onlyRoom} ORDER BY 1`);
    rooms = rows.map((row) => row.room);
  } else {
    // v1 kept the child's group on the parent's mapping row
    rooms = [...new Set(v1Rows.map((row) => row.student_class_room_id?.trim() ?? '').filter((room) => room !== ''))].sort();
  }
  for (const room of rooms) {
    if (classes.byRoom.has(room)) continue;
    const id = await classForRoom(client, options.source, room, tally);
    if (id !== null) classes.byRoom.set(room, id);
  }
  return { tally, classes };
}
