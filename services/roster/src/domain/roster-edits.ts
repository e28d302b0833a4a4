import { NotFoundError, ValidationError, auditAs, enqueueEvent, recordAudit, withTransaction, type Actor, type Pool, type PoolClient } from '@doitcrm/kit';
import { lockRoster } from '../data-access/import-repository.ts';
import {
  insertClass, mergeStudentRows, moveEnrolment, rowImage, setEnrolmentStatus, splitStudentRow, studentCount, updateClassRow, updateStudentRow,
  type ClassFields, type StudentFields,
} from '../data-access/roster-edit-repository.ts';

interface EditEffect {
  action: string;
  targetType: 'class' | 'student';
  targetId: number;
  details: Record<string, unknown>;
  classIds: number[];
  studentIds: number[];
}

/** Every edit of the roster: under the roster lock, audited with what changed, announced as roster.changed. */
async function edit<T>(pool: Pool, actor: Actor, run: (client: PoolClient) => Promise<{ result: T; effect: EditEffect }>): Promise<T> {
  return withTransaction(pool, async (client) => {
    await lockRoster(client);
    const { result, effect } = await run(client);
    await recordAudit(client, auditAs(actor, { service: 'roster', action: effect.action, targetType: effect.targetType, targetId: effect.targetId, details: effect.details }));
    await enqueueEvent(client, 'roster.changed', { reason: 'edit', importId: null, classIds: effect.classIds, studentIds: effect.studentIds, userId: actor.userId });
    return result;
  });
}

export function createClass(pool: Pool, fields: ClassFields & { name: string; levelId: number }, actor: Actor): Promise<number> {
  return edit(pool, actor, async (client) => {
    const row = await insertClass(client, fields);
    const id = Number(row.id);
    return { result: id, effect: { action: 'roster.class.create', targetType: 'class', targetId: id, details: { after: row }, classIds: [id], studentIds: [] } };
  });
}

export function updateClass(pool: Pool, id: number, fields: ClassFields, actor: Actor): Promise<void> {
  return edit(pool, actor, async (client) => {
    const { before, after } = await updateClassRow(client, id, fields);
    const action = fields.isActive === false ? 'roster.class.deactivate' : 'roster.class.update';
    return { result: undefined, effect: { action, targetType: 'class', targetId: id, details: { before, after }, classIds: [id], studentIds: [] } };
  });
}

export function updateStudent(pool: Pool, id: number, fields: StudentFields & { classId?: number }, actor: Actor): Promise<void> {
  const { classId, ...studentFields } = fields;
  if (classId !== undefined && fields.status === undefined) {
    throw new ValidationError('classId 只在修改状态时使用', [{ field: 'classId', message: 'only with status' }]);
  }
  return edit(pool, actor, async (client) => {
    const { before, after } = await updateStudentRow(client, id, studentFields);
    if (classId !== undefined) await setEnrolmentStatus(client, id, classId, fields.status!);
    return {
      result: undefined,
      effect: { action: 'roster.student.update', targetType: 'student', targetId: id, details: { before, after, classId }, classIds: classId ? [classId] : [], studentIds: [id] },
    };
  });
}

export function moveStudent(pool: Pool, id: number, move: { fromClassId: number; toClassId: number }, actor: Actor): Promise<void> {
  if (move.fromClassId === move.toClassId) throw new ValidationError('目标班级与原班级相同', [{ field: 'toClassId', message: 'same as fromClassId' }]);
  return edit(pool, actor, async (client) => {
    await rowImage(client, 'crm.students', id);
    await rowImage(client, 'crm.classes', move.toClassId);
    await moveEnrolment(client, id, move.fromClassId, move.toClassId);
    await client.query('UPDATE crm.students SET updated_at = now() WHERE id = $1', [id]);
    return { result: undefined, effect: { action: 'roster.student.move', targetType: 'student', targetId: id, details: move, classIds: [move.fromClassId, move.toClassId], studentIds: [id] } };
  });
}

export function mergeStudents(pool: Pool, id: number, intoId: number, actor: Actor): Promise<void> {
  if (id === intoId) throw new ValidationError('不能与自己合并', [{ field: 'intoStudentId', message: 'same student' }]);
  return edit(pool, actor, async (client) => {
    if ((await studentCount(client, [id, intoId])) !== 2) throw new NotFoundError('要合并的学员不存在');
    const before = await rowImage(client, 'crm.students', id);
    await mergeStudentRows(client, id, intoId);
    return { result: undefined, effect: { action: 'roster.student.merge', targetType: 'student', targetId: intoId, details: { merged: before }, classIds: [], studentIds: [intoId] } };
  });
}

export function splitStudent(pool: Pool, id: number, classId: number, actor: Actor): Promise<number> {
  return edit(pool, actor, async (client) => {
    await rowImage(client, 'crm.students', id);
    const newId = await splitStudentRow(client, id, classId);
    await client.query('UPDATE crm.students SET updated_at = now() WHERE id = $1', [id]);
    return { result: newId, effect: { action: 'roster.student.split', targetType: 'student', targetId: id, details: { classId, newStudentId: newId }, classIds: [classId], studentIds: [id, newId] } };
  });
}
