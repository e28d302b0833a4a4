import type pg from 'pg';
import type { PoolClient } from '@doitcrm/kit';
import { GroupTally } from './legacy-report.ts';
import type { LegacySchema } from './legacy-source.ts';
import type { LegacyV1Mapping, MappingIds } from './legacy-people.ts';
import { text, v1Key } from './legacy-students.ts';

const RELATIONS = new Set(['mother', 'father', 'guardian', 'other']);

/** The links an earlier import made (keyed parent id → legacy student key), and which of them are still here. */
async function earlierLinks(client: PoolClient, source: string, rows: Array<{ key: string; identityId: number; studentId: number }>): Promise<{ linked: Set<string>; present: Set<string> }> {
  const { rows: linked } = await client.query<{ legacy_key: string }>(
    `SELECT legacy_key FROM chat.legacy_links WHERE source = $1 AND entity = 'guardianship' AND legacy_key = ANY($2::text[])`, [source, rows.map((row) => row.key)]);
  const { rows: present } = await client.query<{ identity_id: string; student_id: number }>(
    `SELECT identity_id, student_id FROM crm.guardianships WHERE (identity_id, student_id) IN (SELECT * FROM unnest($1::bigint[], $2::int[]))`,
    [rows.map((row) => row.identityId), rows.map((row) => row.studentId)]);
  return { linked: new Set(linked.map((row) => row.legacy_key)), present: new Set(present.map((row) => `${row.identity_id}|${row.student_id}`)) };
}

/**
 * Parent ↔ student links, each with its relation and primary flag. A link already here keeps what it says here, and
 * one an earlier import made that was deleted here since stays deleted.
 */
export async function importGuardianships(
  legacy: pg.Client, schema: LegacySchema, client: PoolClient, source: string, students: Map<string, number>, v2Ids: MappingIds, v1Rows: LegacyV1Mapping[],
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
  const { rows: people } = await client.query<{ original_id: string; id: string }>(
    `SELECT original_id, id FROM crm.identities WHERE id_type = 'user_id' AND original_id = ANY($1::text[])`,
    [[...new Set(links.map((link) => link.originalId).filter((id): id is string => id !== null))]]);
  const identityOf = new Map(people.map((row) => [row.original_id, Number(row.id)]));
  const candidates: Array<{ table: string; key: string; identityId: number; studentId: number; relation: string; primary: boolean }> = [];
  for (const link of links) {
    tally.counts.read += 1;
    const identityId = link.originalId === null ? undefined : identityOf.get(link.originalId);
    if (identityId === undefined) {
      tally.skip(link.table, link.key, '家长的映射不存在或不是用户 ID (parent mapping missing or not a user id)');
      continue;
    }
    const studentId = students.get(link.studentKey);
    if (studentId === undefined) {
      tally.skip(link.table, link.key, '学生不存在或没有导入 (student missing or not imported)');
      continue;
    }
    if (!RELATIONS.has(link.relation)) tally.note(link.table, link.key, `关系「${link.relation}」无法识别，按 other 导入`);
    candidates.push({ table: link.table, key: `${link.originalId}→${link.studentKey}`, identityId, studentId, relation: RELATIONS.has(link.relation) ? link.relation : 'other', primary: link.primary });
  }
  const earlier = await earlierLinks(client, source, candidates);
  const rows = candidates.filter((row) => {
    if (!earlier.linked.has(row.key) || earlier.present.has(`${row.identityId}|${row.studentId}`)) return true;
    tally.skip(row.table, row.key, '这条家长关系导入后已在本系统删除，不再重新创建 (deleted here since the last import)');
    return false;
  });
  // a link already here keeps its relation and primary flag as set here
  const { rowCount } = await client.query(
    `INSERT INTO crm.guardianships (identity_id, student_id, relation, is_primary)
     SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::boolean[]) ON CONFLICT (identity_id, student_id) DO NOTHING`,
    [rows.map((row) => row.identityId), rows.map((row) => row.studentId), rows.map((row) => row.relation), rows.map((row) => row.primary)]);
  await client.query(
    `INSERT INTO chat.legacy_links (source, entity, legacy_key, local_id) SELECT $1, 'guardianship', k, id FROM unnest($2::text[], $3::bigint[]) AS x (k, id)
     ON CONFLICT (source, entity, legacy_key) DO NOTHING`, [source, rows.map((row) => row.key), rows.map((row) => row.studentId)]);
  tally.counts.inserted = rowCount ?? 0;
  tally.counts.unchanged = rows.length - tally.counts.inserted;
  return tally;
}
