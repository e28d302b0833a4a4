import { prepared, type Queryable } from '@doitcrm/kit';
import type { Person, PersonKind, PersonRole, StudentRef } from '../contract.ts';
import { sqlParams } from './message-rows.ts';

interface PersonRow {
  original_id: string;
  display_name: string;
  business_name: string | null;
  wecom_nickname: string | null;
  user_role: PersonRole | null;
  id_kind: string;
  students: StudentRef[] | null;
}

/** A person with their students and each student's class, level and section (primary guardianship first). */
export const PERSON_COLUMNS = `i.original_id, coalesce(i.display_name, i.original_id) AS display_name, i.business_name, i.wecom_nickname,
  i.user_role, i.id_kind,
  (SELECT json_agg(json_build_object('name', st.name, 'englishName', st.english_name, 'className', c.name,
            'levelName', l.name, 'sectionName', sec.name) ORDER BY g.is_primary DESC, st.name, c.name)
   FROM crm.guardianships g JOIN crm.students st ON st.id = g.student_id
   LEFT JOIN crm.enrolments e ON e.student_id = st.id
   LEFT JOIN crm.classes c ON c.id = e.class_id
   LEFT JOIN crm.levels l ON l.id = c.level_id
   LEFT JOIN crm.sections sec ON sec.id = l.section_id
   WHERE g.identity_id = i.id) AS students`;

export function toPerson(row: PersonRow): Person {
  return {
    id: row.original_id,
    displayName: row.display_name,
    businessName: row.business_name,
    nickname: row.wecom_nickname,
    role: row.user_role,
    idKind: row.id_kind,
    students: row.students ?? [],
  };
}

export const escapeLike = (value: string) => value.replace(/[\\%_]/g, (char) => `\\${char}`);

/** Parents: role parent, or no role yet and not a staff id; staff: a staff role, or a staff id without a role. */
export function kindCondition(kind: PersonKind): string {
  if (kind === 'parent') return `(i.user_role = 'parent' OR (i.user_role IS NULL AND i.id_kind NOT IN ('staff', 'bot')))`;
  if (kind === 'staff') return `(i.user_role IN ('teacher', 'head_teacher', 'advisor') OR (i.user_role IS NULL AND i.id_kind = 'staff'))`;
  return 'true';
}

/** Keyword over raw id, business name, nickname and the children's Chinese and English names. */
export function keywordCondition(pattern: string): string {
  return `(i.original_id ILIKE ${pattern} OR i.business_name ILIKE ${pattern} OR i.wecom_nickname ILIKE ${pattern}
    OR EXISTS (SELECT 1 FROM crm.guardianships g JOIN crm.students st ON st.id = g.student_id
               WHERE g.identity_id = i.id AND (st.name ILIKE ${pattern} OR st.english_name ILIKE ${pattern})))`;
}

export async function searchPeople(db: Queryable, query: { keyword: string; kind: PersonKind; limit: number }): Promise<Person[]> {
  const { values, param } = sqlParams();
  const exact = param(query.keyword);
  const pattern = param(`%${escapeLike(query.keyword)}%`);
  const { rows } = await db.query<PersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM crm.identities i
     WHERE i.id_type = 'user_id' AND ${kindCondition(query.kind)} AND ${keywordCondition(pattern)}
     ORDER BY (i.original_id = ${exact} OR i.business_name = ${exact}) DESC, coalesce(i.display_name, i.original_id), i.original_id
     LIMIT ${param(query.limit)}`,
    values,
  );
  return rows.map(toPerson);
}

/** The person behind a WeCom id; an id seen in the archive but never extracted still gets a bare record. */
export async function findPerson(db: Queryable, id: string): Promise<Person | null> {
  const { rows } = await db.query<PersonRow>(prepared(
    `SELECT ${PERSON_COLUMNS} FROM crm.identities i WHERE i.id_type = 'user_id' AND i.original_id = $1`, [id]));
  if (rows[0]) return toPerson(rows[0]);
  const seen = await db.query('SELECT 1 FROM chat.messages WHERE from_id = $1 LIMIT 1', [id]);
  if (seen.rowCount === 0) return null;
  return { id, displayName: id, businessName: null, nickname: null, role: null, idKind: 'unknown', students: [] };
}

export async function findPeople(db: Queryable, ids: string[]): Promise<Map<string, Person>> {
  const { rows } = await db.query<PersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM crm.identities i WHERE i.id_type = 'user_id' AND i.original_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((row) => [row.original_id, toPerson(row)]));
}
