import type pg from 'pg';
import type { PoolClient } from '@doitcrm/kit';
import type { NationalIdCipher } from '@doitcrm/roster/src/domain/national-id.ts';
import { GroupTally } from './legacy-report.ts';
import type { LegacySchema } from './legacy-source.ts';
import type { ClassMaps } from './legacy-classes.ts';
import type { LegacyV1Mapping } from './legacy-people.ts';

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

export const text = (value: string | null | undefined) => (value === null || value === undefined || value.trim() === '' ? null : value.trim());
export const v1Key = (row: LegacyV1Mapping) => `v1:${text(row.student_name)}|${text(row.student_english_name) ?? ''}|${text(row.student_class_room_id) ?? ''}`;

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

interface Placed { row: LegacyStudent; classId: number | null; id: number | null; known: boolean }

/** What earlier imports made of these rows: the student here, or null when it was deleted here since. */
async function linkedStudents(client: PoolClient, source: string, keys: string[]): Promise<Map<string, number | null>> {
  const { rows } = await client.query<{ legacy_key: string; local_id: string; present: boolean }>(
    `SELECT l.legacy_key, l.local_id, EXISTS (SELECT 1 FROM crm.students s WHERE s.id = l.local_id) AS present
     FROM chat.legacy_links l WHERE l.source = $1 AND l.entity = 'student' AND l.legacy_key = ANY($2::text[])`, [source, keys]);
  return new Map(rows.map((row) => [row.legacy_key, row.present ? Number(row.local_id) : null]));
}

/** Students here of the same name in the same class (a school that imported its roster before migrating). */
async function sameNameInClass(client: PoolClient, wanted: Placed[]): Promise<Map<string, number>> {
  if (wanted.length === 0) return new Map();
  const { rows } = await client.query<{ class_id: number; name: string; id: number }>(
    `SELECT DISTINCT ON (e.class_id, s.name) e.class_id, s.name, s.id FROM crm.students s JOIN crm.enrolments e ON e.student_id = s.id
     WHERE (e.class_id, s.name) IN (SELECT * FROM unnest($1::int[], $2::text[])) ORDER BY e.class_id, s.name, s.id`,
    [wanted.map((p) => p.classId), wanted.map((p) => p.row.name)]);
  return new Map(rows.map((row) => [`${row.class_id}|${row.name}`, row.id]));
}

async function insertNew(client: PoolClient, fresh: Placed[]): Promise<void> {
  if (fresh.length === 0) return;
  // ids drawn first, so each new row's id is known without relying on the order RETURNING reports them in
  const { rows } = await client.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('crm.students', 'id'))::int AS id FROM generate_series(1, $1)`, [fresh.length]);
  fresh.forEach((placed, index) => { placed.id = rows[index]!.id; });
  await client.query(
    `INSERT INTO crm.students (id, name, english_name, school, address, status)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [fresh.map((p) => p.id), fresh.map((p) => p.row.name), fresh.map((p) => text(p.row.english_name)), fresh.map((p) => text(p.row.school)),
      fresh.map((p) => text(p.row.address)), fresh.map((p) => text(p.row.status) ?? '在读')]);
}

/** Students already here keep their edits: only what is empty here is filled in (or, preferring legacy, overwritten). */
async function fillKnown(client: PoolClient, known: Placed[], preferLegacy: boolean): Promise<number> {
  if (known.length === 0) return 0;
  const pick = (column: string) => (preferLegacy ? `coalesce(n.${column}, s.${column})` : `coalesce(s.${column}, n.${column})`);
  const { rowCount } = await client.query(
    `UPDATE crm.students s SET english_name = ${pick('english_name')}, school = ${pick('school')}, address = ${pick('address')}, updated_at = now()
     FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS n (id, english_name, school, address)
     WHERE s.id = n.id AND (${pick('english_name')}, ${pick('school')}, ${pick('address')}) IS DISTINCT FROM (s.english_name, s.school, s.address)`,
    [known.map((p) => p.id), known.map((p) => text(p.row.english_name)), known.map((p) => text(p.row.school)), known.map((p) => text(p.row.address))]);
  return rowCount ?? 0;
}

/** Links, enrolments, guardian contacts and (when kept here) sealed ID numbers of the placed students. */
async function writeBeside(client: PoolClient, placed: Placed[], options: StudentOptions): Promise<number> {
  await client.query(
    `INSERT INTO chat.legacy_links (source, entity, legacy_key, local_id) SELECT $1, 'student', k, id FROM unnest($2::text[], $3::bigint[]) AS x (k, id)
     ON CONFLICT (source, entity, legacy_key) DO UPDATE SET local_id = EXCLUDED.local_id WHERE chat.legacy_links.local_id <> EXCLUDED.local_id`,
    [options.source, placed.map((p) => p.row.key), placed.map((p) => p.id)]);
  const enrolled = placed.filter((p) => p.classId !== null);
  await client.query(
    `INSERT INTO crm.enrolments (student_id, class_id, status) SELECT * FROM unnest($1::int[], $2::int[], $3::text[]) ON CONFLICT DO NOTHING`,
    [enrolled.map((p) => p.id), enrolled.map((p) => p.classId), enrolled.map((p) => text(p.row.status) ?? '在读')]);
  const contacts = placed.filter((p) => text(p.row.parent_name) || text(p.row.phone));
  await client.query(
    `INSERT INTO crm.student_contacts (student_id, name, relation, phone)
     SELECT n.* FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS n (student_id, name, relation, phone)
     WHERE NOT EXISTS (SELECT 1 FROM crm.student_contacts c WHERE c.student_id = n.student_id AND c.phone IS NOT DISTINCT FROM n.phone
       AND (n.phone IS NOT NULL OR c.name IS NOT DISTINCT FROM n.name))
     ON CONFLICT (student_id, phone) DO NOTHING`,
    [contacts.map((p) => p.id), contacts.map((p) => text(p.row.parent_name)), contacts.map((p) => text(p.row.primary_guardian_type)), contacts.map((p) => text(p.row.phone))]);
  const withId = placed.filter((p) => text(p.row.id_card));
  if (!options.storeNationalIds || !options.cipher) return withId.length;
  const sealed = withId.map((p) => ({ id: p.id, ...options.cipher!.seal(text(p.row.id_card)!) }));
  await client.query(
    `INSERT INTO crm.student_national_ids (student_id, key_id, ciphertext, lookup_hash, masked)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT (student_id) DO NOTHING`,
    [sealed.map((s) => s.id), sealed.map((s) => s.keyId), sealed.map((s) => s.ciphertext), sealed.map((s) => s.hash), sealed.map((s) => s.masked)]);
  return 0;
}

/**
 * v2.students (with the hand-added columns) or v1's students on mapping rows, set-based: the one an earlier import made
 * (kept as edited here), else one of the same name in the same class here, else a new one; each enrolled in its class.
 * Returns legacy key → student here.
 */
export async function importStudents(
  legacy: pg.Client, schema: LegacySchema, client: PoolClient, classes: ClassMaps, v1Rows: LegacyV1Mapping[], options: StudentOptions,
): Promise<{ tally: GroupTally; students: Map<string, number>; nationalIdsDropped: number }> {
  const tally = new GroupTally('students');
  const placed: Placed[] = [];
  const classesOfName = new Map<string, Set<number>>();
  for (const row of await readStudents(legacy, schema, v1Rows)) {
    tally.counts.read += 1;
    if (!text(row.name)) {
      tally.skip(row.table, row.key, '学生姓名为空 (student name is empty)');
      continue;
    }
    row.name = text(row.name);
    const room = text(row.class_room_id);
    const classId = (row.class_id !== null ? classes.byLegacyId.get(row.class_id) : undefined) ?? (room ? classes.byRoom.get(room) : undefined) ?? null;
    if (classId === null) tally.note(row.table, `${row.key} ${row.name}`, '学生不在任何班级：已导入，未分班 (student in no class)');
    else classesOfName.set(row.name!, (classesOfName.get(row.name!) ?? new Set()).add(classId));
    placed.push({ row, classId, id: null, known: false });
  }
  const links = await linkedStudents(client, options.source, placed.map((p) => p.row.key));
  const kept = placed.filter((p) => {
    if (!links.has(p.row.key)) return true;
    const id = links.get(p.row.key)!;
    if (id === null) {
      tally.skip(p.row.table, `${p.row.key} ${p.row.name}`, '这个学生导入后已在本系统删除，不再重新创建 (deleted here since the last import)');
      return false;
    }
    Object.assign(p, { id, known: true });
    return true;
  });
  const matches = await sameNameInClass(client, kept.filter((p) => !p.known && p.classId !== null));
  for (const p of kept) {
    const match = !p.known && p.classId !== null ? matches.get(`${p.classId}|${p.row.name}`) : undefined;
    if (match !== undefined) Object.assign(p, { id: match, known: true });
  }
  const fresh = kept.filter((p) => !p.known);
  await insertNew(client, fresh);
  const known = kept.filter((p) => p.known);
  const updated = await fillKnown(client, known, options.preferLegacy);
  Object.assign(tally.counts, { inserted: fresh.length, updated, unchanged: known.length - updated });
  const nationalIdsDropped = await writeBeside(client, kept, options);
  for (const [name, inClasses] of classesOfName) {
    if (inClasses.size > 1) tally.conflicts.push({ kind: 'student-name', key: name, field: 'class', here: null, legacy: `同名学生在 ${inClasses.size} 个班级（按原库分别导入）` });
  }
  return { tally, students: new Map(kept.map((p) => [p.row.key, p.id!])), nationalIdsDropped };
}
