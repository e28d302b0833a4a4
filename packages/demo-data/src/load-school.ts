import type pg from 'pg';
import { lockForTransaction } from '@doitcrm/kit';
import type { GuardianRelation } from '@doitcrm/types';
import { idKindOf } from '@doitcrm/types';
import type { DemoSchool } from './school-types.ts';
import { generateSchool } from './school.ts';

/** Serialises concurrent loads (two services starting at once) on one key. */
const LOCK_KEY = 'doitcrm.demo-data.load-school';

const CONTACT_RELATION: Readonly<Record<GuardianRelation, string>> = { mother: '妈妈', father: '爸爸', guardian: '监护人', other: '其他' };

interface IdentityRow {
  idType: 'user_id' | 'room_id';
  originalId: string;
  nickname: string | null;
  businessName: string | null;
  role: string | null;
}

/**
 * Writes the school into the crm tables in one transaction. Idempotent: when any of the school's class
 * groups is already a class, nothing is written and `loaded` is false. Existing identities (the mapper may
 * have extracted them from an archive first) keep whatever they already hold; gaps are filled.
 * Roughly 30% of parents are left without business name, role and guardianship, so the mapper has work.
 */
export async function loadSchool(pool: pg.Pool, school: DemoSchool): Promise<{ loaded: boolean }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await lockForTransaction(client, LOCK_KEY);
    const existing = await client.query('SELECT 1 FROM crm.classes WHERE room_id = ANY($1::text[]) LIMIT 1', [school.classes.map((c) => c.roomId)]);
    if (existing.rowCount) {
      await client.query('ROLLBACK');
      return { loaded: false };
    }
    const identityIds = await insertIdentities(client, identityRows(school));
    const identityOf = (idType: string, id: string) => {
      const found = identityIds.get(`${idType}:${id}`);
      if (found === undefined) throw new Error(`identity ${idType} ${id} was not written`);
      return found;
    };

    const staffRows = await client.query<{ id: number; identity_id: string }>(
      `INSERT INTO crm.staff (name, identity_id, role)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
       ON CONFLICT (identity_id) DO UPDATE SET updated_at = now()
       RETURNING id, identity_id`,
      [school.staff.map((s) => s.name), school.staff.map((s) => identityOf('user_id', s.userId)), school.staff.map((s) => s.role)],
    );
    const staffIdByIdentity = new Map(staffRows.rows.map((r) => [String(r.identity_id), r.id]));
    const staffId = (userId: string) => staffIdByIdentity.get(String(identityOf('user_id', userId))) ?? null;

    const classRows = await client.query<{ id: number; room_id: string }>(
      `INSERT INTO crm.classes (level_id, room_id, name, teacher_staff_id, head_teacher_staff_id, start_time, end_time,
                                course_progress, promotion, max_students)
       SELECT l.id, u.room_id, u.name, u.teacher, u.head, u.start_time, u.end_time, u.progress, u.promotion, u.max_students
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[])
            AS u (level_code, room_id, name, teacher, head, start_time, end_time, progress, promotion, max_students)
       JOIN crm.levels l ON l.code = u.level_code
       RETURNING id, room_id`,
      [
        school.classes.map((c) => c.levelCode), school.classes.map((c) => c.roomId), school.classes.map((c) => c.name),
        school.classes.map((c) => staffId(c.teacherUserId)), school.classes.map((c) => staffId(c.headTeacherUserId)),
        school.classes.map((c) => c.startTime), school.classes.map((c) => c.endTime), school.classes.map((c) => c.courseProgress),
        school.classes.map((c) => c.promotion || null), school.classes.map((c) => c.maxStudents),
      ],
    );
    if (classRows.rowCount !== school.classes.length) throw new Error('crm.levels lacks the seeded levels level_1…level_7; run the migrations first');
    const classIdByRoom = new Map(classRows.rows.map((r) => [r.room_id, r.id]));
    const classIdByKey = new Map(school.classes.map((c) => [c.key, classIdByRoom.get(c.roomId) as number]));

    // ids are taken from the sequence first so each generated student is known by its id without a natural key
    const ids = await client.query<{ id: number }>(
      "SELECT nextval(pg_get_serial_sequence('crm.students', 'id'))::int AS id FROM generate_series(1, $1::int)",
      [school.students.length],
    );
    const studentIds = ids.rows.map((r) => r.id).sort((a, b) => a - b);
    const studentIdByKey = new Map(school.students.map((s, i) => [s.key, studentIds[i] as number]));
    await client.query(
      // no ID numbers: storing them is off until an admin turns it on (with a key), and then only an import stores
      // them, encrypted; the demo's enrolment CSV still carries them for trying that out
      `INSERT INTO crm.students (id, name, english_name, status, school, address)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      [
        studentIds, school.students.map((s) => s.name), school.students.map((s) => s.englishName), school.students.map((s) => s.status),
        school.students.map((s) => s.school), school.students.map((s) => s.address),
      ],
    );

    const enrolments = school.students.flatMap((s) => s.classKeys.map((k) => [studentIdByKey.get(s.key), classIdByKey.get(k), s.status] as const));
    await client.query(
      'INSERT INTO crm.enrolments (student_id, class_id, status) SELECT * FROM unnest($1::int[], $2::int[], $3::text[])',
      [enrolments.map((e) => e[0]), enrolments.map((e) => e[1]), enrolments.map((e) => e[2])],
    );

    const mapped = school.parents.filter((p) => p.businessName !== null);
    const guardianships = mapped.flatMap((p) => p.children.map((g) => ({
      identity: identityOf('user_id', p.externalId), student: studentIdByKey.get(g.studentKey), relation: p.relation, primary: g.isPrimary,
    })));
    await client.query(
      `INSERT INTO crm.guardianships (identity_id, student_id, relation, is_primary)
       SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bool[])
       ON CONFLICT DO NOTHING`,
      [guardianships.map((g) => g.identity), guardianships.map((g) => g.student), guardianships.map((g) => g.relation), guardianships.map((g) => g.primary)],
    );

    // contact details as the enrolment form gives them, for every family, mapped or not
    const contacts = school.parents.flatMap((p) => p.children.map((g) => ({ student: studentIdByKey.get(g.studentKey), p })));
    await client.query(
      `INSERT INTO crm.student_contacts (student_id, name, relation, phone)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT DO NOTHING`,
      [contacts.map((c) => c.student), contacts.map((c) => c.p.name), contacts.map((c) => CONTACT_RELATION[c.p.relation]), contacts.map((c) => c.p.phone)],
    );

    await client.query('COMMIT');
    return { loaded: true };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function identityRows(school: DemoSchool): IdentityRow[] {
  return [
    ...school.staff.map((s): IdentityRow => ({ idType: 'user_id', originalId: s.userId, nickname: s.name, businessName: s.name, role: s.role })),
    ...school.classes.map((c): IdentityRow => ({ idType: 'room_id', originalId: c.roomId, nickname: c.name, businessName: null, role: null })),
    ...school.otherGroups.map((g): IdentityRow => ({ idType: 'room_id', originalId: g.roomId, nickname: g.name, businessName: null, role: null })),
    ...school.parents.map((p): IdentityRow => ({
      idType: 'user_id', originalId: p.externalId, nickname: p.nickname, businessName: p.businessName, role: p.businessName ? 'parent' : null,
    })),
    ...school.bots.map((b): IdentityRow => ({ idType: 'user_id', originalId: b.externalId, nickname: b.nickname, businessName: null, role: null })),
  ];
}

async function insertIdentities(client: pg.PoolClient, rows: readonly IdentityRow[]): Promise<Map<string, number>> {
  const result = await client.query<{ id: string; id_type: string; original_id: string }>(
    `INSERT INTO crm.identities (id_type, original_id, id_kind, wecom_nickname, business_name, user_role, name_status, name_fetched_at)
     SELECT u.id_type, u.original_id, u.id_kind, u.nickname, u.business_name, u.user_role,
            CASE WHEN u.nickname IS NULL THEN 'pending' ELSE 'resolved' END,
            CASE WHEN u.nickname IS NULL THEN NULL ELSE now() END
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
          AS u (id_type, original_id, id_kind, nickname, business_name, user_role)
     ON CONFLICT (id_type, original_id) DO UPDATE SET
       wecom_nickname  = COALESCE(crm.identities.wecom_nickname, EXCLUDED.wecom_nickname),
       business_name   = COALESCE(crm.identities.business_name, EXCLUDED.business_name),
       user_role       = COALESCE(crm.identities.user_role, EXCLUDED.user_role),
       name_status     = CASE WHEN crm.identities.wecom_nickname IS NULL AND EXCLUDED.wecom_nickname IS NOT NULL
                              THEN 'resolved' ELSE crm.identities.name_status END,
       name_fetched_at = COALESCE(crm.identities.name_fetched_at, EXCLUDED.name_fetched_at),
       updated_at      = now()
     RETURNING id, id_type, original_id`,
    [
      rows.map((r) => r.idType), rows.map((r) => r.originalId), rows.map((r) => idKindOf(r.originalId, r.idType)),
      rows.map((r) => r.nickname), rows.map((r) => r.businessName), rows.map((r) => r.role),
    ],
  );
  return new Map(result.rows.map((r) => [`${r.id_type}:${r.original_id}`, Number(r.id)]));
}

/**
 * The default demo school (the fixed seed) into a service's database: what a test or page check that needs a
 * realistic school passes as its `prepare`.
 */
export function loadDemoSchool(context: { pool: pg.Pool }): Promise<{ loaded: boolean }> {
  return loadSchool(context.pool, generateSchool());
}
