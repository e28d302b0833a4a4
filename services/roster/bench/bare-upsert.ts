import type pg from 'pg';
import { pupilName, type BenchClass } from './bench-data.ts';

/** Copies of the crm tables the import writes (same columns, keys and indexes), for the anchor to write into. */
export async function prepareAnchorTables(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE SCHEMA anchor;
    CREATE TABLE anchor.classes (LIKE crm.classes INCLUDING ALL);
    CREATE TABLE anchor.students (LIKE crm.students INCLUDING ALL);
    CREATE UNIQUE INDEX ON anchor.students (name);
    CREATE TABLE anchor.enrolments (LIKE crm.enrolments INCLUDING ALL);
    CREATE TABLE anchor.student_contacts (LIKE crm.student_contacts INCLUDING ALL);`);
}

export async function truncateAnchor(pool: pg.Pool): Promise<void> {
  await pool.query('TRUNCATE anchor.classes, anchor.students, anchor.enrolments, anchor.student_contacts');
}

/**
 * The least any importer must do for these rows: one multi-row upsert per table, no diff, no undo log, no audit.
 * Matrix: classes, students, enrolments. Enrolment CSV: students (with details), enrolments and contacts.
 */
export async function bareUpsert(pool: pg.Pool, rows: { classes: readonly BenchClass[]; perClass: number; enrolment: number | null }): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const classIds = (await client.query<{ id: number }>(
      `INSERT INTO anchor.classes (level_id, room_id, name, start_time)
       SELECT l.id, u.room, u.name, '周一9:00' FROM unnest($1::text[], $2::text[], $3::text[]) AS u (room, name, level) JOIN crm.levels l ON l.name = u.level
       ON CONFLICT (room_id) DO UPDATE SET name = EXCLUDED.name, level_id = EXCLUDED.level_id, updated_at = now() RETURNING id`,
      [rows.classes.map((c) => c.roomId), rows.classes.map((c) => c.name), rows.classes.map((c) => c.levelName)],
    )).rows.map((r) => r.id);
    const pupils: Array<{ name: string; classId: number; n: number }> = [];
    const total = rows.enrolment ?? rows.classes.length * rows.perClass;
    for (let n = 0; pupils.length < total; n++) {
      const classIndex = n % rows.classes.length;
      pupils.push({ name: pupilName(classIndex, Math.floor(n / rows.classes.length)), classId: classIds[classIndex]!, n });
    }
    const studentIds = (await client.query<{ id: number }>(
      `INSERT INTO anchor.students (name, status, school, address) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (name) DO UPDATE SET status = EXCLUDED.status, school = EXCLUDED.school, address = EXCLUDED.address, updated_at = now() RETURNING id`,
      [pupils.map((p) => p.name), pupils.map(() => '在读'), pupils.map((p) => (rows.enrolment ? `实验小学${p.n % 30}` : null)), pupils.map((p) => (rows.enrolment ? `某路${p.n}号` : null))],
    )).rows.map((r) => r.id);
    await client.query(
      `INSERT INTO anchor.enrolments (student_id, class_id, status) SELECT * FROM unnest($1::int[], $2::int[], $3::text[])
       ON CONFLICT (student_id, class_id) DO UPDATE SET status = EXCLUDED.status`,
      [studentIds, pupils.map((p) => p.classId), pupils.map(() => '在读')],
    );
    if (rows.enrolment) {
      await client.query(
        `INSERT INTO anchor.student_contacts (student_id, phone, name, relation) SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])
         ON CONFLICT (student_id, phone) DO UPDATE SET name = EXCLUDED.name, relation = EXCLUDED.relation`,
        [studentIds, pupils.map((p) => `199${String(p.n).padStart(8, '0')}`), pupils.map((p) => `家长${p.n}`), pupils.map((p) => (p.n % 3 ? '妈妈' : '爸爸'))],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
