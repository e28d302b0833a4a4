import {
  NotFoundError, ValidationError, auditAs, enqueueEvent, recordAudit, withTransaction, type Actor, type ErrorDetail, type Pool, type PoolClient,
} from '@doitcrm/kit';
import type { IdType, MappingChange } from '../contract.ts';
import {
  lockIdentity, missingStudentIds, replaceGuardianships, saveIdentityFields, studentIdsOf, type StoredIdentity,
} from '../data-access/mapping-write-repository.ts';

const clean = (text: string | null | undefined) => (text === null || text === undefined ? null : text.trim() || null);

/**
 * The rules of one mapping change. Only the fields given change (notes are kept unless sent); a parent may have
 * several students, each with a relation and one primary; a role other than parent takes no students and leaves
 * none behind. Every problem is reported at once, by field.
 */
async function applyChange(client: PoolClient, identity: StoredIdentity, change: MappingChange, fieldPrefix = ''): Promise<string[]> {
  const problems: ErrorDetail[] = [];
  const field = (name: string) => `${fieldPrefix}${name}`;
  if (identity.idType === 'room_id') {
    if (change.userRole !== undefined) problems.push({ field: field('userRole'), message: '群没有角色 (rooms take no role)' });
    if (change.students !== undefined) problems.push({ field: field('students'), message: '群不能关联学员 (rooms take no students)' });
  }
  const role = change.userRole !== undefined ? change.userRole : identity.userRole;
  if (change.students !== undefined && change.students.length > 0 && role !== 'parent') {
    problems.push({ field: field('students'), message: '只有家长可以关联学员 (only parents have students)' });
  }
  const students = change.students?.map((student) => ({ ...student, isPrimary: student.isPrimary ?? false }));
  if (students) {
    const seen = new Set<number>();
    students.forEach((student, index) => {
      if (seen.has(student.studentId)) problems.push({ field: field(`students.${index}.studentId`), message: '同一学员重复 (student listed twice)' });
      seen.add(student.studentId);
    });
    if (students.filter((student) => student.isPrimary).length > 1) problems.push({ field: field('students'), message: '只能有一个主要联系人学员 (one primary at most)' });
    if (students.length > 0 && !students.some((student) => student.isPrimary)) students[0]!.isPrimary = true;
    const missing = await missingStudentIds(client, students.map((student) => student.studentId));
    for (const id of missing) {
      const index = students.findIndex((student) => student.studentId === id);
      problems.push({ field: field(`students.${index}.studentId`), message: `花名册中没有学员 ${id} (no such student)` });
    }
  }
  if (problems.length > 0) throw new ValidationError(`映射修改无效: ${problems.map((problem) => problem.field).join(', ')}`, problems);

  const changed: string[] = [];
  const next = {
    businessName: change.businessName !== undefined ? clean(change.businessName) : identity.businessName,
    userRole: role ?? null,
    notes: change.notes !== undefined ? clean(change.notes) : identity.notes,
  };
  if (next.businessName !== identity.businessName) changed.push('businessName');
  if (next.userRole !== identity.userRole) changed.push('userRole');
  if (next.notes !== identity.notes) changed.push('notes');
  await saveIdentityFields(client, identity.id, next);

  const before = identity.idType === 'user_id' ? await studentIdsOf(client, identity.id) : [];
  // a parent who stops being a parent keeps no children
  const target = next.userRole === 'parent' ? students : before.length > 0 ? [] : undefined;
  if (target) {
    await replaceGuardianships(client, identity.id, target);
    const after = target.map((student) => student.studentId).sort((a, b) => a - b);
    if (students !== undefined || JSON.stringify(after) !== JSON.stringify(before)) changed.push('students');
  }
  return changed;
}

export interface ChangeResult {
  idType: IdType;
  originalIds: string[];
  fields: string[];
}

/** One mapping, in one transaction with its audit row and its `mapping.changed` event. */
export async function updateMapping(pool: Pool, actor: Actor, idType: IdType, originalId: string, change: MappingChange): Promise<ChangeResult> {
  return withTransaction(pool, async (client) => {
    const identity = await lockIdentity(client, idType, originalId);
    if (!identity) throw new NotFoundError(`没有这个 ID: ${originalId}`);
    const fields = await applyChange(client, identity, change);
    await record(client, actor, idType, [originalId], fields, change);
    return { idType, originalIds: [originalId], fields };
  });
}

/** The same change to many rows: all or nothing, each problem named with the row it belongs to. */
export async function updateMappings(pool: Pool, actor: Actor, idType: IdType, originalIds: string[], change: MappingChange): Promise<ChangeResult> {
  return withTransaction(pool, async (client) => {
    const fields = new Set<string>();
    for (const [index, originalId] of originalIds.entries()) {
      const identity = await lockIdentity(client, idType, originalId);
      if (!identity) throw new ValidationError(`没有这个 ID: ${originalId}`, [{ field: `originalIds.${index}`, message: 'no such id' }]);
      for (const name of await applyChange(client, identity, change, `${originalId}: `)) fields.add(name);
    }
    await record(client, actor, idType, originalIds, [...fields], change);
    return { idType, originalIds, fields: [...fields] };
  });
}

async function record(client: PoolClient, actor: Actor, idType: IdType, originalIds: string[], fields: string[], change: MappingChange): Promise<void> {
  await recordAudit(client, auditAs(actor, {
    service: 'mapper', action: originalIds.length > 1 ? 'mapper.mapping.bulk_update' : 'mapper.mapping.update',
    targetType: idType, targetId: originalIds.length === 1 ? originalIds[0] : `${originalIds.length} ids`,
    details: { originalIds, fields, change: { ...change } },
  }));
  if (fields.length > 0) {
    await enqueueEvent(client, 'mapping.changed', { idType, originalIds, fields, userId: actor.userId });
  }
}
