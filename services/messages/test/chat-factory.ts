import type pg from 'pg';
import { insertChatMessages, textMessage, uniqueSuffix, type TestChatMessage } from '@doitcrm/kit/testing';

export type TestMessage = TestChatMessage;

/** Archive rows written straight into chat.messages, shaped as the ETL writes them (payload = the msgtype's body). */
export const insertMessages = (pool: pg.Pool, messages: TestMessage[]): Promise<string[]> =>
  insertChatMessages(pool, messages, { msgidPrefix: 'MSG', payload: { content: 'hello' } });

export const text = textMessage;

export interface Family {
  suffix: string;
  room: string;
  classId: number;
  className: string;
  parent: string;
  unmappedParent: string;
  teacher: string;
  studentName: string;
  englishName: string;
}

/**
 * A class of level L2 with its own WeCom group, a mapped parent (business name, role, a child enrolled there), an
 * unmapped parent and a teacher — all with names no other test uses.
 */
export async function createFamily(pool: pg.Pool): Promise<Family> {
  const suffix = uniqueSuffix();
  const f = {
    suffix, room: `wrT${suffix}`, className: `测试班${suffix}`, parent: `wmP${suffix}`, unmappedParent: `wmU${suffix}`,
    teacher: `teacher.${suffix}`, studentName: `小测${suffix}`, englishName: `Tester${suffix}`,
  };
  const { rows: [klass] } = await pool.query<{ id: number }>(
    `INSERT INTO crm.classes (level_id, room_id, name) SELECT id, $1, $2 FROM crm.levels WHERE name = 'L2' RETURNING id`, [f.room, f.className]);
  await pool.query(
    `INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, user_role, wecom_nickname) VALUES
       ('room_id', $1, 'customer_group', $2, NULL, NULL),
       ('user_id', $3, 'external_wechat', $4, 'parent', '微信昵称'),
       ('user_id', $5, 'external_wechat', NULL, NULL, $6),
       ('user_id', $7, 'staff', $8, 'teacher', NULL)`,
    [f.room, `${f.className}家长群`, f.parent, `${f.studentName}妈妈`, f.unmappedParent, `路人${suffix}`, f.teacher, `王老师${suffix}`]);
  const { rows: [student] } = await pool.query<{ id: number }>(
    'INSERT INTO crm.students (name, english_name) VALUES ($1, $2) RETURNING id', [f.studentName, f.englishName]);
  await pool.query('INSERT INTO crm.enrolments (student_id, class_id) VALUES ($1, $2)', [student!.id, klass!.id]);
  await pool.query(
    `INSERT INTO crm.guardianships (identity_id, student_id, relation, is_primary)
     SELECT id, $2, 'mother', true FROM crm.identities WHERE id_type = 'user_id' AND original_id = $1`, [f.parent, student!.id]);
  await pool.query(
    `WITH teacher AS (INSERT INTO crm.staff (name, identity_id, role)
       SELECT $2, id, 'teacher' FROM crm.identities WHERE id_type = 'user_id' AND original_id = $1 RETURNING id)
     UPDATE crm.classes SET teacher_staff_id = (SELECT id FROM teacher) WHERE id = $3`,
    [f.teacher, `王老师${suffix}`, klass!.id]);
  return { ...f, classId: klass!.id };
}

/** A time `minutes` before `base`. */
export const minutesBefore = (base: Date, minutes: number) => new Date(base.getTime() - minutes * 60_000);
