import type pg from 'pg';
import type { PoolClient } from '@doitcrm/kit';
import type { NationalIdCipher } from '@doitcrm/roster/src/domain/national-id.ts';
import { GroupTally } from './legacy-report.ts';
import type { LegacySchema } from './legacy-source.ts';
import type { ClassMaps } from './legacy-classes.ts';
import type { LegacyV1Mapping, MappingIds } from './legacy-people.ts';
import { findLink, saveLink } from './legacy-links.ts';

interface LegacyStudent {
  key: string;
  table: string;
  name: string | null;
  english_name: string | null;
  status: string | null;
  class_id: number | null;
  class_room_id: string | null;
  phone?: string | null;
  primary_guardian_type?: string | null;
  parent_name?: string | null;
  school?: string | null;
  address?: string | null;
  id_card?: string | null;
}

const text = (value: string | null | undefined) => (value === null || value === undefined || value.trim() === '' ? null : value.trim());
const v1Key = (row: LegacyV1Mapping) => `v1:${text(row.student_name)}|${text(row.student_english_name) ?? ''}|${text(row.student_class_room_id) ?? ''}`;

async function readStudents(legacy: pg.Client, schema: LegacySchema, v1Rows: LegacyV1Mapping[]): Promise<LegacyStudent[]> {
  if (schema.students) {
    const extras = schema.studentExtraColumns.map((column) => `, ${column}`).join('');
    const classId = schema.hierarchy ? 'class_id' : 'NULL::int AS class_id';
    const { rows } = await legacy.query<LegacyStudent>(
      `SELECT id::text AS key, 'v2.students' AS table, name, english_name, status, ${classId}, class_room_id${extras} FROM v2.students ORDER BY id`);
    return rows;
  }
  // v1 kept the child on the parent's mapping row: one student per distinct (name, English name, group), as v2's migration did
  const students = new Map<string, LegacyStudent>();
  for (const row of v1Rows) {
    if (!text(row.student_name)) continue;
    const key = v1Key(row);
    if (!students.has(key)) {
      students.set(key, { key, table: 'public.wecom_id_mappings', name: text(row.student_name), english_name: text(row.student_english_name),
        status: null, class_id: null, class_room_id: text(row.student_class_room_id) });
    }
  }
  return [...students.values()];
}

export interface StudentOptions { source: string; preferLegacy: boolean; cipher: NationalIdCipher | null; storeNationalIds: boolean }

async function contactAndId(client: PoolClient, id: number, row: LegacyStudent, tally: GroupTally, options: StudentOptions, dropped: { count: number }): Promise<void> {
  const name = text(row.parent_name);
  const phone = text(row.phone);
  if (name || phone) {
    await client.query(
      `INSERT INTO crm.student_contacts (student_id, name, relation, phone)
       SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM crm.student_contacts WHERE student_id = $1 AND phone IS NOT DISTINCT FROM $4 AND (name IS NOT DISTINCT FROM $2 OR $4 IS NOT NULL))
       ON CONFLICT (student_id, phone) DO NOTHING`, [id, name, text(row.primary_guardian_type), phone]);
  }
  const nationalId = text(row.id_card);
  if (!nationalId) return;
  if (!options.storeNationalIds || !options.cipher) {
    dropped.count += 1;
    return;
  }
  const sealed = options.cipher.seal(nationalId);
  await client.query(
    `INSERT INTO crm.student_national_ids (student_id, key_id, ciphertext, lookup_hash, masked) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (student_id) DO NOTHING`, [id, sealed.keyId, sealed.ciphertext, sealed.hash, sealed.masked]);
  void tally;
}

/** One student: the one an earlier import made (kept as edited here), or one of the same name in the same class, or a new one. */
async function importStudent(client: PoolClient, row: LegacyStudent, classId: number | null, tally: GroupTally, options: StudentOptions, dropped: { count: number }): Promise<number | null> {
  const link = await findLink(client, options.source, 'student', row.key, 'crm.students');
  if (link.deletedHere) {
    tally.skip(row.table, `${row.key} ${row.name}`, '这个学生导入后已在本系统删除，不再重新创建 (deleted here since the last import)');
    return null;
  }
  let id = link.localId;
  if (id === null && classId !== null) {
    const { rows } = await client.query<{ id: number }>(
      'SELECT s.id FROM crm.students s JOIN crm.enrolments e ON e.student_id = s.id WHERE e.class_id = $1 AND s.name = $2 ORDER BY s.id LIMIT 1', [classId, row.name]);
    id = rows[0]?.id ?? null;
  }
  const values = [text(row.english_name), text(row.school), text(row.address)];
  if (id === null) {
    const { rows } = await client.query<{ id: number }>(
      'INSERT INTO crm.students (name, english_name, school, address, status) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [row.name, ...values, text(row.status) ?? '在读']);
    id = rows[0]!.id;
    tally.counts.inserted += 1;
  } else {
    const pick = (column: string, param: number) => (options.preferLegacy ? `coalesce($${param}, ${column})` : `coalesce(${column}, $${param})`);
    const { rowCount } = await client.query(
      `UPDATE crm.students s SET english_name = ${pick('s.english_name', 1)}, school = ${pick('s.school', 2)}, address = ${pick('s.address', 3)}, updated_at = now()
       WHERE s.id = $4 AND (${pick('s.english_name', 1)}, ${pick('s.school', 2)}, ${pick('s.address', 3)}) IS DISTINCT FROM (s.english_name, s.school, s.address)`,
      [...values, id]);
    if (rowCount) tally.counts.updated += 1;
    else tally.counts.unchanged += 1;
  }
  await saveLink(client, options.source, 'student', row.key, id);
  if (classId !== null) {
    await client.query('INSERT INTO crm.enrolments (student_id, class_id, status) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [id, classId, text(row.status) ?? '在读']);
  }
  await contactAndId(client, id, row, tally, options, dropped);
  return id;
}

/** v2.students (with the hand-added columns) or v1's students on mapping rows; each enrolled in its class. Returns legacy key → student here. */
export async function importStudents(
  legacy: pg.Client, schema: LegacySchema, client: PoolClient, classes: ClassMaps, v1Rows: LegacyV1Mapping[], options: StudentOptions,
): Promise<{ tally: GroupTally; students: Map<string, number>; nationalIdsDropped: number }> {
  const tally = new GroupTally('students');
  const students = new Map<string, number>();
  const dropped = { count: 0 };
  const rows = await readStudents(legacy, schema, v1Rows);
  const classesOfName = new Map<string, Set<string>>();
  for (const row of rows) {
    tally.counts.read += 1;
    if (!text(row.name)) {
      tally.skip(row.table, row.key, '学生姓名为空 (student name is empty)');
      continue;
    }
    const room = text(row.class_room_id);
    const classId = (row.class_id !== null ? classes.byLegacyId.get(row.class_id) : undefined) ?? (room ? classes.byRoom.get(room) : undefined) ?? null;
    if (classId === null) tally.note(row.table, `${row.key} ${row.name}`, '学生不在任何班级：已导入，未分班 (student in no class)');
    if (classId !== null) classesOfName.set(row.name!, (classesOfName.get(row.name!) ?? new Set()).add(String(classId)));
    const id = await importStudent(client, row, classId, tally, options, dropped);
    if (id !== null) students.set(row.key, id);
  }
  for (const [name, inClasses] of classesOfName) {
    if (inClasses.size > 1) tally.conflicts.push({ kind: 'student-name', key: name, field: 'class', here: null, legacy: `同名学生在 ${inClasses.size} 个班级（按原库分别导入）` });
  }
  return { tally, students, nationalIdsDropped: dropped.count };
}

const RELATIONS = new Set(['mother', 'father', 'guardian', 'other']);

/** Parent ↔ student links, each with its relation and primary flag; a link already here keeps what it says here. */
export async function importGuardianships(
  legacy: pg.Client, schema: LegacySchema, client: PoolClient, students: Map<string, number>, v2Ids: MappingIds, v1Rows: LegacyV1Mapping[],
): Promise<GroupTally> {
  const tally = new GroupTally('guardianships');
  const links: Array<{ table: string; key: string; originalId: string | null; studentKey: string; relation: string; primary: boolean }> = [];
  if (schema.relations && schema.students) {
    const { rows } = await legacy.query<{ wecom_id: number; student_id: number; relation: string | null; is_primary: boolean }>(
      'SELECT wecom_id, student_id, relation, is_primary FROM v2.wecom_user_student_rel ORDER BY wecom_id, student_id');
    for (const row of rows) {
      const mapping = v2Ids.get(row.wecom_id);
      links.push({ table: 'v2.wecom_user_student_rel', key: `${row.wecom_id}→${row.student_id}`, originalId: mapping?.idType === 'user_id' ? mapping.originalId : null,
        studentKey: String(row.student_id), relation: row.relation ?? 'other', primary: row.is_primary });
    }
  } else if (!schema.students) {
    for (const row of v1Rows.filter((mapping) => text(mapping.student_name))) {
      links.push({ table: 'public.wecom_id_mappings', key: `${row.id} ${row.original_id}`, originalId: row.id_type === 'user_id' ? text(row.original_id) : null,
        studentKey: v1Key(row), relation: 'other', primary: true });
    }
  }
  for (const link of links) {
    tally.counts.read += 1;
    if (link.originalId === null) {
      tally.skip(link.table, link.key, '家长的映射不存在或不是用户 ID (parent mapping missing or not a user id)');
      continue;
    }
    const studentId = students.get(link.studentKey);
    if (studentId === undefined) {
      tally.skip(link.table, link.key, '学生不存在或没有导入 (student missing or not imported)');
      continue;
    }
    if (!RELATIONS.has(link.relation)) tally.note(link.table, link.key, `关系「${link.relation}」无法识别，按 other 导入`);
    const { rowCount } = await client.query(
      `INSERT INTO crm.guardianships (identity_id, student_id, relation, is_primary)
       SELECT i.id, $2, $3, $4 FROM crm.identities i WHERE i.id_type = 'user_id' AND i.original_id = $1
       ON CONFLICT (identity_id, student_id) DO NOTHING`,
      [link.originalId, studentId, RELATIONS.has(link.relation) ? link.relation : 'other', link.primary]);
    if (rowCount) tally.counts.inserted += 1;
    else tally.counts.unchanged += 1;
  }
  return tally;
}
