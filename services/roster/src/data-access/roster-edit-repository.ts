import { ConflictError, NotFoundError, type Queryable } from '@doitcrm/kit';

type Row = Record<string, unknown>;

export interface ClassFields {
  name?: string;
  levelId?: number;
  roomId?: string | null;
  teacherStaffId?: number | null;
  headTeacherStaffId?: number | null;
  startTime?: string | null;
  endTime?: string | null;
  courseProgress?: string | null;
  promotion?: string | null;
  maxStudents?: number | null;
  isActive?: boolean;
}

const CLASS_COLUMNS: Record<keyof ClassFields, string> = {
  name: 'name', levelId: 'level_id', roomId: 'room_id', teacherStaffId: 'teacher_staff_id', headTeacherStaffId: 'head_teacher_staff_id',
  startTime: 'start_time', endTime: 'end_time', courseProgress: 'course_progress', promotion: 'promotion', maxStudents: 'max_students', isActive: 'is_active',
};

export interface StudentFields {
  name?: string;
  englishName?: string | null;
  status?: string;
  school?: string | null;
  address?: string | null;
}
const STUDENT_COLUMNS: Record<keyof StudentFields, string> = { name: 'name', englishName: 'english_name', status: 'status', school: 'school', address: 'address' };

/** unique violations become 409s that say which rule was hit */
async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as { code?: string; constraint?: string }).code;
    const constraint = (error as { constraint?: string }).constraint ?? '';
    if (code === '23505') {
      if (constraint.includes('room_id')) throw new ConflictError('这个群ID已属于另一个班级', [{ field: 'roomId', message: 'room id already used by another class' }]);
      if (constraint.includes('level_name')) throw new ConflictError('同一阶下已有同名且未绑定群的班级', [{ field: 'name', message: 'name already used in this level' }]);
      if (constraint.includes('enrolments')) throw new ConflictError('学员已在目标班级', [{ field: 'toClassId', message: 'already enrolled there' }]);
    }
    if (code === '23503') throw new ConflictError('引用的阶、老师或班级不存在', [{ field: constraint, message: 'referenced row does not exist' }]);
    throw error;
  }
}

export async function insertClass(db: Queryable, fields: ClassFields & { name: string; levelId: number }): Promise<Row> {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined) as Array<[keyof ClassFields, unknown]>;
  return guarded(async () => (await db.query<{ row: Row }>(
    `INSERT INTO crm.classes (${entries.map(([key]) => CLASS_COLUMNS[key]).join(', ')}) VALUES (${entries.map((_, i) => `$${i + 1}`).join(', ')})
     RETURNING to_jsonb(crm.classes.*) AS row`,
    entries.map(([, value]) => value),
  )).rows[0]!.row);
}

export async function updateClassRow(db: Queryable, id: number, fields: ClassFields): Promise<{ before: Row; after: Row }> {
  const before = await rowImage(db, 'crm.classes', id);
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined) as Array<[keyof ClassFields, unknown]>;
  const sets = entries.map(([key], i) => `${CLASS_COLUMNS[key]} = $${i + 2}`);
  const after = await guarded(async () => (await db.query<{ row: Row }>(
    `UPDATE crm.classes SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING to_jsonb(crm.classes.*) AS row`,
    [id, ...entries.map(([, value]) => value)],
  )).rows[0]!.row);
  return { before, after };
}

export async function updateStudentRow(db: Queryable, id: number, fields: StudentFields): Promise<{ before: Row; after: Row }> {
  const before = await rowImage(db, 'crm.students', id);
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined) as Array<[keyof StudentFields, unknown]>;
  const sets = entries.map(([key], i) => `${STUDENT_COLUMNS[key]} = $${i + 2}`);
  const { rows } = await db.query<{ row: Row }>(
    `UPDATE crm.students SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING to_jsonb(crm.students.*) AS row`,
    [id, ...entries.map(([, value]) => value)],
  );
  return { before, after: rows[0]!.row };
}

export async function setEnrolmentStatus(db: Queryable, studentId: number, classId: number, status: string): Promise<void> {
  const result = await db.query('UPDATE crm.enrolments SET status = $3 WHERE student_id = $1 AND class_id = $2', [studentId, classId, status]);
  if (result.rowCount === 0) throw new NotFoundError(`学员 ${studentId} 不在班级 ${classId}`);
}

export async function moveEnrolment(db: Queryable, studentId: number, fromClassId: number, toClassId: number): Promise<void> {
  const result = await guarded(() => db.query(
    'UPDATE crm.enrolments SET class_id = $3, enrolled_at = now() WHERE student_id = $1 AND class_id = $2', [studentId, fromClassId, toClassId],
  ));
  if (result.rowCount === 0) throw new NotFoundError(`学员 ${studentId} 不在班级 ${fromClassId}`);
}

/** Two records of one child become one: enrolments, contacts and guardians move to the kept student, then the other goes. */
export async function mergeStudentRows(db: Queryable, fromId: number, intoId: number): Promise<void> {
  await db.query(
    `INSERT INTO crm.enrolments (student_id, class_id, status, enrolled_at) SELECT $2, class_id, status, enrolled_at FROM crm.enrolments WHERE student_id = $1
     ON CONFLICT DO NOTHING`, [fromId, intoId]);
  await db.query(
    `INSERT INTO crm.student_contacts (student_id, name, relation, phone) SELECT $2, name, relation, phone FROM crm.student_contacts WHERE student_id = $1
     ON CONFLICT DO NOTHING`, [fromId, intoId]);
  await db.query(
    `INSERT INTO crm.guardianships (identity_id, student_id, relation, is_primary) SELECT identity_id, $2, relation, is_primary FROM crm.guardianships
     WHERE student_id = $1 ON CONFLICT DO NOTHING`, [fromId, intoId]);
  // the kept record takes the other's ID number (still sealed) when it has none; its own number wins otherwise
  await db.query(
    `INSERT INTO crm.student_national_ids (student_id, key_id, ciphertext, lookup_hash, masked)
     SELECT $2, key_id, ciphertext, lookup_hash, masked FROM crm.student_national_ids WHERE student_id = $1 ON CONFLICT DO NOTHING`, [fromId, intoId]);
  await db.query('DELETE FROM crm.students WHERE id = $1', [fromId]);
  await db.query('UPDATE crm.students SET updated_at = now() WHERE id = $1', [intoId]);
}

/** One enrolment of a student was a different child of the same name: it gets a student of its own. */
export async function splitStudentRow(db: Queryable, studentId: number, classId: number): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO crm.students (name, english_name, status) SELECT name, english_name, status FROM crm.students WHERE id = $1 RETURNING id`, [studentId],
  );
  const newId = rows[0]!.id;
  await moveStudentOfEnrolment(db, studentId, classId, newId);
  return newId;
}

async function moveStudentOfEnrolment(db: Queryable, studentId: number, classId: number, newStudentId: number): Promise<void> {
  const result = await db.query('UPDATE crm.enrolments SET student_id = $3 WHERE student_id = $1 AND class_id = $2', [studentId, classId, newStudentId]);
  if (result.rowCount === 0) throw new NotFoundError(`学员 ${studentId} 不在班级 ${classId}`);
}

export async function rowImage(db: Queryable, table: 'crm.classes' | 'crm.students', id: number): Promise<Row> {
  const { rows } = await db.query<{ row: Row }>(`SELECT to_jsonb(t.*) AS row FROM ${table} t WHERE t.id = $1 FOR UPDATE`, [id]);
  if (!rows[0]) throw new NotFoundError(`${table === 'crm.classes' ? '班级' : '学员'} ${id} 不存在`);
  return rows[0].row;
}

export async function studentCount(db: Queryable, ids: number[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM crm.students WHERE id = ANY($1::int[])', [ids]);
  return rows[0]!.n;
}
