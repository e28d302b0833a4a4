import type { PoolClient } from '@doitcrm/kit';
import type { GuardianRelation, IdKind, PersonRole } from '@doitcrm/types';
import type { IdType } from '../contract.ts';

export interface StoredIdentity {
  id: number;
  idType: IdType;
  originalId: string;
  idKind: IdKind;
  businessName: string | null;
  userRole: PersonRole | null;
  notes: string | null;
}

/** The row, locked for the rest of the transaction so two editors cannot interleave. */
export async function lockIdentity(client: PoolClient, idType: IdType, originalId: string): Promise<StoredIdentity | null> {
  const { rows } = await client.query<{ id: number; id_kind: IdKind; business_name: string | null; user_role: PersonRole | null; notes: string | null }>(
    'SELECT id, id_kind, business_name, user_role, notes FROM crm.identities WHERE id_type = $1 AND original_id = $2 FOR UPDATE',
    [idType, originalId],
  );
  const row = rows[0];
  return row ? { id: row.id, idType, originalId, idKind: row.id_kind, businessName: row.business_name, userRole: row.user_role, notes: row.notes } : null;
}

export async function saveIdentityFields(client: PoolClient, id: number, fields: { businessName: string | null; userRole: PersonRole | null; notes: string | null }): Promise<void> {
  await client.query(
    'UPDATE crm.identities SET business_name = $2, user_role = $3, notes = $4, updated_at = now() WHERE id = $1',
    [id, fields.businessName, fields.userRole, fields.notes],
  );
}

export async function missingStudentIds(client: PoolClient, studentIds: number[]): Promise<number[]> {
  if (studentIds.length === 0) return [];
  const { rows } = await client.query<{ id: number }>('SELECT id FROM crm.students WHERE id = ANY($1::int[])', [studentIds]);
  const found = new Set(rows.map((row) => row.id));
  return studentIds.filter((id) => !found.has(id));
}

/** Makes the parent's set of students exactly this one (relations and primary flags included). */
export async function replaceGuardianships(client: PoolClient, identityId: number, students: Array<{ studentId: number; relation: GuardianRelation; isPrimary: boolean }>): Promise<void> {
  await client.query('DELETE FROM crm.guardianships WHERE identity_id = $1 AND NOT (student_id = ANY($2::int[]))',
    [identityId, students.map((student) => student.studentId)]);
  if (students.length === 0) return;
  await client.query(
    `INSERT INTO crm.guardianships (identity_id, student_id, relation, is_primary)
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::boolean[])
     ON CONFLICT (identity_id, student_id) DO UPDATE SET relation = EXCLUDED.relation, is_primary = EXCLUDED.is_primary`,
    [identityId, students.map((student) => student.studentId), students.map((student) => student.relation), students.map((student) => student.isPrimary)],
  );
}

export async function studentIdsOf(client: PoolClient, identityId: number): Promise<number[]> {
  const { rows } = await client.query<{ student_id: number }>('SELECT student_id FROM crm.guardianships WHERE identity_id = $1 ORDER BY student_id', [identityId]);
  return rows.map((row) => row.student_id);
}
