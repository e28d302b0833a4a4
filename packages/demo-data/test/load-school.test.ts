import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@doitcrm/kit/testing';
import { generateSchool, idKindOf, loadDemoSchool, loadSchool } from '../src/index.ts';

const school = generateSchool();
let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

describe('loadSchool', () => {
  it('when loaded into an empty database, then every part of the school is written', async () => {
    // Act
    const result = await loadSchool(pool, school);

    // Assert
    expect(result).toEqual({ loaded: true });
    expect(await count('SELECT count(*) AS n FROM crm.classes')).toBe(school.classes.length);
    expect(await count('SELECT count(*) AS n FROM crm.staff')).toBe(school.staff.length);
    expect(await count('SELECT count(*) AS n FROM crm.students')).toBe(school.students.length);
    expect(await count('SELECT count(*) AS n FROM crm.enrolments')).toBe(school.students.reduce((n, s) => n + s.classKeys.length, 0));
    const identities = school.staff.length + school.classes.length + school.otherGroups.length + school.parents.length + school.bots.length;
    expect(await count('SELECT count(*) AS n FROM crm.identities')).toBe(identities);
    const mapped = school.parents.filter((p) => p.businessName !== null);
    expect(await count('SELECT count(*) AS n FROM crm.guardianships')).toBe(mapped.reduce((n, p) => n + p.children.length, 0));
    expect(await count("SELECT count(*) AS n FROM crm.identities WHERE user_role = 'parent'")).toBe(mapped.length);
  });

  it('when loaded, then identity kinds follow the id shapes and rooms are named after their groups', async () => {
    // Arrange
    const { rows } = await pool.query<{ id_type: 'user_id' | 'room_id'; original_id: string; id_kind: string; wecom_nickname: string | null }>(
      'SELECT id_type, original_id, id_kind, wecom_nickname FROM crm.identities',
    );

    // Assert
    for (const r of rows) expect(r.id_kind, r.original_id).toBe(idKindOf(r.original_id, r.id_type));
    const kinds = new Set(rows.map((r) => r.id_kind));
    expect(kinds).toEqual(new Set(['staff', 'external_wechat', 'external_wecom', 'bot', 'customer_group', 'internal_group']));
    const room = rows.find((r) => r.original_id === school.classes[0]!.roomId)!;
    expect(room.wecom_nickname).toBe(school.classes[0]!.name);
    expect(rows.filter((r) => r.wecom_nickname === null)).toHaveLength(0);
  });

  it('when loaded, then classes sit at their level by code and point at their teacher and head teacher', async () => {
    // Arrange
    const c = school.classes.find((k) => k.levelCode === 'level_5')!;
    const teacher = school.staff.find((s) => s.userId === c.teacherUserId)!;
    const head = school.staff.find((s) => s.userId === c.headTeacherUserId)!;

    // Act
    const { rows } = await pool.query(
      `SELECT l.code, c.name, t.name AS teacher, h.name AS head, ti.original_id AS teacher_id, c.start_time, c.end_time
       FROM crm.classes c JOIN crm.levels l ON l.id = c.level_id
       LEFT JOIN crm.staff t ON t.id = c.teacher_staff_id LEFT JOIN crm.staff h ON h.id = c.head_teacher_staff_id
       LEFT JOIN crm.identities ti ON ti.id = t.identity_id
       WHERE c.room_id = $1`,
      [c.roomId],
    );

    // Assert
    expect(rows[0]).toEqual({
      code: 'level_5', name: c.name, teacher: teacher.name, head: head.name, teacher_id: teacher.userId, start_time: c.startTime, end_time: c.endTime,
    });
  });

  it('when loaded, then a mapped parent is linked to the right child with relation and primary flag', async () => {
    // Arrange
    const parent = school.parents.find((p) => p.businessName !== null && p.children.length === 2)!;
    const names = parent.children.map((g) => school.students.find((s) => s.key === g.studentKey)!.name).sort();

    // Act
    const { rows } = await pool.query<{ name: string; relation: string; is_primary: boolean; business_name: string }>(
      `SELECT s.name, g.relation, g.is_primary, i.business_name
       FROM crm.identities i JOIN crm.guardianships g ON g.identity_id = i.id JOIN crm.students s ON s.id = g.student_id
       WHERE i.original_id = $1 ORDER BY s.name`,
      [parent.externalId],
    );

    // Assert
    expect(rows.map((r) => r.name)).toEqual(names);
    expect(rows.every((r) => r.relation === parent.relation && r.is_primary === parent.children[0]!.isPrimary)).toBe(true);
    expect(rows[0]!.business_name).toBe(parent.businessName);
  });

  it('when loaded a second time, then nothing is written and loaded is false', async () => {
    // Arrange
    const before = await count('SELECT (SELECT count(*) FROM crm.identities) + (SELECT count(*) FROM crm.students) AS n');

    // Act
    const result = await loadSchool(pool, school);

    // Assert
    expect(result).toEqual({ loaded: false });
    expect(await count('SELECT (SELECT count(*) FROM crm.identities) + (SELECT count(*) FROM crm.students) AS n')).toBe(before);
  });

  it('when the demo school is loaded for a service, then it is the default school: already there, nothing is written', async () => {
    const before = await count('SELECT (SELECT count(*) FROM crm.identities) + (SELECT count(*) FROM crm.students) AS n');

    const result = await loadDemoSchool({ pool });

    expect(result).toEqual({ loaded: false });
    expect(await count('SELECT (SELECT count(*) FROM crm.identities) + (SELECT count(*) FROM crm.students) AS n')).toBe(before);
  });

  it('when identities were already extracted from an archive, then loading fills their gaps and keeps what they held', async () => {
    // Arrange: a separate database where the mapper got there first
    const other = await createTestDatabase();
    const otherPool = new pg.Pool({ connectionString: other.url, max: 1 });
    try {
      const parent = school.parents.find((p) => p.businessName !== null)!;
      const staff = school.staff[0]!;
      await otherPool.query(
        `INSERT INTO crm.identities (id_type, original_id, id_kind, business_name) VALUES ('user_id', $1, 'external_wechat', NULL), ('user_id', $2, 'staff', '已改名')`,
        [parent.externalId, staff.userId],
      );

      // Act
      const result = await loadSchool(otherPool, school);

      // Assert
      expect(result.loaded).toBe(true);
      const { rows } = await otherPool.query<{ original_id: string; business_name: string; wecom_nickname: string; name_status: string }>(
        'SELECT original_id, business_name, wecom_nickname, name_status FROM crm.identities WHERE original_id = ANY($1) ORDER BY original_id',
        [[parent.externalId, staff.userId]],
      );
      const byId = new Map(rows.map((r) => [r.original_id, r]));
      expect(byId.get(parent.externalId)).toMatchObject({ business_name: parent.businessName, wecom_nickname: parent.nickname, name_status: 'resolved' });
      expect(byId.get(staff.userId)?.business_name).toBe('已改名');
      expect(Number((await otherPool.query('SELECT count(*) AS n FROM crm.staff')).rows[0].n)).toBe(school.staff.length);
    } finally {
      await otherPool.end();
      await other.drop();
    }
  });
});
