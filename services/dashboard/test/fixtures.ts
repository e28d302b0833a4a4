import type pg from 'pg';
import { insertChatMessages, uniqueSuffix, type TestChatMessage } from '@doitcrm/kit/testing';

export interface ClassFixture {
  classId: number;
  roomId: string;
  teacherId: string;
  headTeacherId: string;
  /** parents[i] is the guardian of students[i] */
  parents: string[];
  students: number[];
  className: string;
}

/**
 * A class of its own on 一段 L1: a teacher and a head teacher (staff with WeCom ids), a WeCom group, and one student
 * per status given, each with one parent (primary guardian).
 */
export async function createClass(pool: pg.Pool, statuses: string[], options: { levelCode?: string } = {}): Promise<ClassFixture> {
  const suffix = uniqueSuffix();
  const teacherId = `teacher.${suffix}`;
  const headTeacherId = `head.${suffix}`;
  const { rows: identities } = await pool.query<{ id: number; original_id: string }>(
    `INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, user_role)
     VALUES ('user_id', $1, 'staff', $3, 'teacher'), ('user_id', $2, 'staff', $4, 'head_teacher') RETURNING id, original_id`,
    [teacherId, headTeacherId, `王老师${suffix}`, `李班主任${suffix}`]);
  const { rows: staff } = await pool.query<{ id: number }>(
    `INSERT INTO crm.staff (name, identity_id, role) VALUES ($1, $2, 'teacher'), ($3, $4, 'head_teacher') RETURNING id`,
    [`王老师${suffix}`, identities[0]!.id, `李班主任${suffix}`, identities[1]!.id]);
  const roomId = `wrDASH${suffix}`;
  const className = `测试班${suffix}`;
  const { rows: [cls] } = await pool.query<{ id: number }>(
    `INSERT INTO crm.classes (level_id, room_id, name, teacher_staff_id, head_teacher_staff_id)
     SELECT id, $2, $3, $4, $5 FROM crm.levels WHERE code = $1 RETURNING id`,
    [options.levelCode ?? 'level_1', roomId, className, staff[0]!.id, staff[1]!.id]);
  const parents: string[] = [];
  const students: number[] = [];
  for (const [index, status] of statuses.entries()) {
    const parentId = `wmP${index}${suffix}`;
    const { rows: [parent] } = await pool.query<{ id: number }>(
      `INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, user_role) VALUES ('user_id', $1, 'external_wechat', $2, 'parent') RETURNING id`,
      [parentId, `家长${index}-${suffix}`]);
    const { rows: [student] } = await pool.query<{ id: number }>(
      'INSERT INTO crm.students (name, english_name, status) VALUES ($1, $2, $3) RETURNING id', [`学员${index}-${suffix}`, `Kid${index}`, status]);
    await pool.query('INSERT INTO crm.enrolments (student_id, class_id, status) VALUES ($1, $2, $3)', [student!.id, cls!.id, status]);
    await pool.query("INSERT INTO crm.guardianships (identity_id, student_id, relation, is_primary) VALUES ($1, $2, 'mother', true)", [parent!.id, student!.id]);
    parents.push(parentId);
    students.push(student!.id);
  }
  return { classId: cls!.id, roomId, teacherId, headTeacherId, parents, students, className };
}

export interface TestMessage extends Omit<TestChatMessage, 'payload'> {
  /** a text body; the payload is empty without one */
  content?: string;
}

/** Archive rows written straight into chat.messages (the ETL's table; the dashboard only reads it). */
export const insertMessages = (pool: pg.Pool, messages: TestMessage[]): Promise<string[]> =>
  insertChatMessages(pool, messages.map(({ content, ...message }) => ({ ...message, payload: content === undefined ? {} : { content } })), { msgidPrefix: 'DASH' });

/** A Beijing wall-clock time as an instant: `bj('2026-03-01 23:59:59')`. */
export const bj = (text: string) => new Date(`${text.replace(' ', 'T')}+08:00`);

export const daysAgo = (days: number, hours = 0) => new Date(Date.now() - days * 86_400_000 - hours * 3_600_000);

/** Every rollup row of some classes, in a stable order: two states compare with toEqual. */
export async function snapshotRollups(pool: pg.Pool, classIds: number[]): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    parent_day: 'class_id, day, parent_id',
    class_day: 'class_id, day',
    class_week: 'class_id, week',
    parent_last: 'class_id, parent_id',
    responses: 'class_id, asked_msgid',
    keyword_hits: 'class_id, msgid',
  };
  const snapshot: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(tables)) {
    const { rows } = await pool.query(`SELECT * FROM dashboard.${table} WHERE class_id = ANY($1::int[]) ORDER BY ${order}`, [classIds]);
    snapshot[table] = rows;
  }
  return snapshot;
}
