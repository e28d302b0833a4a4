import { randomBytes, randomInt } from 'node:crypto';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import type { RosterStudent } from '../src/contract.ts';
import { createNationalIdCipher } from '../src/domain/national-id.ts';
import { reconcileNationalIds } from '../src/domain/national-id-startup.ts';
import { commit, freshMatrix, preview, undo, useRosterApp } from './roster-harness.ts';

const key = randomBytes(32).toString('base64');
const t = useRosterApp({ ROSTER_ID_NUMBER_KEY: key });
const db = () => t.service.context.pool;
const header = '学员姓名,手机号身份,手机号,所在班级,学校,住址,学员身份证号码,家长姓名';

/** a fresh 18-character number (digits only, so it cannot collide with anything but itself) */
const idNumber = () => `1101012015${String(randomInt(1e8)).padStart(8, '0')}`;
/** what the mask hides: finding it anywhere means the number was copied */
const hidden = (number: string) => number.slice(3, -2);

const setStoring = (on: boolean) => supertest(t.app).put('/api/settings').set('Cookie', t.cookies.admin).send({ storeNationalId: on });

/** Every table of the roster's, the mapper's and the login's schemas whose rows' text contains the needle. */
async function tablesContaining(needle: string): Promise<string[]> {
  const { rows: tables } = await db().query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
     WHERE table_schema IN ('crm', 'auth', 'ops') AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const found: string[] = [];
  for (const { name } of tables) {
    const { rows } = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name} x WHERE x::text LIKE '%' || $1 || '%'`, [needle]);
    if (rows[0]!.n > 0) found.push(name);
  }
  return found;
}

async function rowsContaining(table: 'auth.audit_log' | 'crm.roster_import_changes', needles: string[]): Promise<number> {
  const { rows } = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} x WHERE x::text LIKE ANY($1::text[])`, [needles.map((n) => `%${n}%`)]);
  return rows[0]!.n;
}

/** a fresh class with the given pupils, committed; then an enrolment CSV giving each pupil an ID number (and a school) */
async function pupilsWithNumbers(pupils: Array<{ name: string; number: string; school?: string }>): Promise<{ className: string; classId: number; ids: Map<string, number> }> {
  const { csv, names, rooms } = freshMatrix([{ pupils: pupils.map((p) => p.name) }]);
  await commit(t, await preview(t, csv));
  const rows = pupils.map((p) => `${p.name},,,${names[0]},${p.school ?? ''},,${p.number},`);
  const committed = await commit(t, await preview(t, `${header}\r\n${rows.join('\r\n')}\r\n`));
  expect(committed.status).toBe(200);
  const classId = (await db().query<{ id: number }>('SELECT id FROM crm.classes WHERE room_id = $1', [rooms[0]])).rows[0]!.id;
  const { rows: students } = await db().query<{ id: number; name: string }>(
    'SELECT st.id, st.name FROM crm.enrolments e JOIN crm.students st ON st.id = e.student_id WHERE e.class_id = $1', [classId]);
  return { className: names[0]!, classId, ids: new Map(students.map((s) => [s.name, s.id])) };
}

async function classPupils(classId: number): Promise<RosterStudent[]> {
  return (await supertest(t.app).get(`/api/classes/${classId}/students`).set('Cookie', t.cookies.staff)).body as RosterStudent[];
}

describe('children\'s ID numbers: never copied, encrypted at rest', () => {
  it('when pupils with ID numbers are imported, re-imported, edited and merged, then no audit-log row and no undo-log row contains a number', async () => {
    expect((await setStoring(true)).status).toBe(200);
    const [first, second] = [idNumber(), idNumber()];
    const { className, classId, ids } = await pupilsWithNumbers([{ name: '审计甲', number: first, school: '一小' }, { name: '审计乙', number: second }]);
    // a later file changes the school: the undo log keeps the pupil's row as it was
    await commit(t, await preview(t, `${header}\r\n审计甲,,,${className},二小,,${first},\r\n`));
    expect((await supertest(t.app).patch(`/api/students/${ids.get('审计甲')}`).set('Cookie', t.cookies.staff).send({ address: '某路1号' })).status).toBe(204);
    expect((await supertest(t.app).post(`/api/students/${ids.get('审计乙')}/merge`).set('Cookie', t.cookies.staff)
      .send({ intoStudentId: ids.get('审计甲') })).status).toBe(204);

    expect(await rowsContaining('auth.audit_log', [hidden(first), hidden(second)])).toBe(0);
    expect(await rowsContaining('crm.roster_import_changes', [hidden(first), hidden(second)])).toBe(0);
    expect(await tablesContaining(hidden(second))).toEqual([]);
    // the number is there all the same, shown masked
    expect((await classPupils(classId)).find((p) => p.name === '审计甲')).toMatchObject({ school: '二小', nationalIdMasked: `${first.slice(0, 3)}${'*'.repeat(13)}${first.slice(-2)}` });
  });

  it('when a file\'s ID-number cell is not an ID number (a phone number, a typo), then it is not stored and the warning names the row, not the value', async () => {
    expect((await setStoring(true)).status).toBe(200);
    const { csv, names } = freshMatrix([{ pupils: ['格式童'] }]);
    await commit(t, await preview(t, csv));
    const phone = `1${String(randomInt(1e9)).padStart(10, '0')}`;

    const previewed = await preview(t, `${header}\r\n格式童,,,${names[0]},,,${phone},\r\n`);

    expect(previewed.diff.warnings).toContainEqual(expect.objectContaining({ row: 2, field: '学员身份证号码', message: expect.stringContaining('第 2 行') }));
    expect(JSON.stringify(previewed)).not.toContain(phone);
    expect(previewed.diff.students[0]!.changes).toEqual([]);
    expect(await tablesContaining(phone)).toEqual([]);
  });

  it('when ID numbers are previewed and committed, then no table holds one in plaintext and the stored value opens only with the key', async () => {
    expect((await setStoring(true)).status).toBe(200);
    const number = idNumber();
    const { csv, names } = freshMatrix([{ pupils: ['密文童'] }]);
    await commit(t, await preview(t, csv));
    const previewed = await preview(t, `${header}\r\n密文童,,,${names[0]},,,${number},\r\n`);
    expect(previewed.diff.students[0]!.changes).toEqual([{ field: 'nationalId', before: null, after: `110${'*'.repeat(13)}${number.slice(-2)}` }]);
    expect(await tablesContaining(hidden(number))).toEqual([]);

    await commit(t, previewed);

    expect(await tablesContaining(hidden(number))).toEqual([]);
    const { rows } = await db().query<{ keyId: string; ciphertext: string }>(
      `SELECT n.key_id AS "keyId", n.ciphertext FROM crm.student_national_ids n JOIN crm.students s ON s.id = n.student_id WHERE s.name = '密文童'`);
    expect(rows).toHaveLength(1);
    expect(createNationalIdCipher(key).open(rows[0]!)).toBe(number);
    expect(() => createNationalIdCipher(randomBytes(32).toString('base64')).open(rows[0]!)).toThrow();
  });

  it('when an admin turns storing off, then no trace of any number remains in any table, and one audit row counts what went', async () => {
    expect((await setStoring(true)).status).toBe(200);
    const [committed, pending] = [idNumber(), idNumber()];
    const { className } = await pupilsWithNumbers([{ name: '清除甲', number: committed }]);
    await preview(t, `${header}\r\n清除甲,,,${className},,,${pending},\r\n`);

    const response = await setStoring(false);

    for (const number of [committed, pending]) expect(await tablesContaining(hidden(number))).toEqual([]);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ storeNationalId: false, purged: { stored: expect.any(Number), previews: expect.any(Number) } });
    expect(response.body.purged.stored).toBeGreaterThanOrEqual(1);
    expect(response.body.purged.previews).toBeGreaterThanOrEqual(1);
    expect((await db().query('SELECT count(*)::int AS n FROM crm.student_national_ids')).rows[0].n).toBe(0);
    const audit = await db().query("SELECT details, username FROM auth.audit_log WHERE action = 'roster.national_id.purge' ORDER BY id DESC LIMIT 1");
    expect(audit.rows[0]).toMatchObject({ details: response.body.purged, username: expect.stringMatching(/^admin-/) });
  });

  it('when a record without an ID number absorbs one that has it (同名合并), then the kept record keeps the number, still sealed', async () => {
    expect((await setStoring(true)).status).toBe(200);
    const number = idNumber();
    const { classId, ids } = await pupilsWithNumbers([{ name: '合并甲', number: '' }, { name: '合并乙', number }]);

    const merged = await supertest(t.app).post(`/api/students/${ids.get('合并乙')}/merge`).set('Cookie', t.cookies.staff).send({ intoStudentId: ids.get('合并甲') });

    expect(merged.status).toBe(204);
    expect((await classPupils(classId)).find((p) => p.id === ids.get('合并甲'))!.nationalIdMasked).toBe(`110${'*'.repeat(13)}${number.slice(-2)}`);
    expect((await supertest(t.app).get(`/api/students/${ids.get('合并甲')}/national-id`).set('Cookie', t.cookies.staff)).body.nationalId).toBe(number);
  });

  it('when a viewer asks for a whole ID number, then 403; staff get it, and the read is audited without the number', async () => {
    expect((await setStoring(true)).status).toBe(200);
    const number = idNumber();
    const { ids } = await pupilsWithNumbers([{ name: '查看童', number }]);
    const url = `/api/students/${ids.get('查看童')}/national-id`;

    const asViewer = await supertest(t.app).get(url).set('Cookie', t.cookies.viewer);
    const asStaff = await supertest(t.app).get(url).set('Cookie', t.cookies.staff);

    expect(asViewer.status).toBe(403);
    expect(JSON.stringify(asViewer.body)).not.toContain(hidden(number));
    expect(asStaff.status).toBe(200);
    expect(asStaff.body).toEqual({ studentId: ids.get('查看童'), nationalId: number });
    expect(asStaff.headers['cache-control']).toBe('no-store');
    const audit = await db().query(
      "SELECT username, x::text AS row FROM auth.audit_log x WHERE action = 'roster.student.national_id.view' AND target_id = $1", [String(ids.get('查看童'))]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].username).toMatch(/^staff-/);
    expect(audit.rows[0].row).not.toContain(hidden(number));
  });

  it('when an import that replaced an ID number is undone, then the number it stored is deleted, the old one is not restored, and undo says so', async () => {
    expect((await setStoring(true)).status).toBe(200);
    const [before, replaced] = [idNumber(), idNumber()];
    const { className, classId, ids } = await pupilsWithNumbers([{ name: '撤销童', number: before }]);
    const second = await preview(t, `${header}\r\n撤销童,,,${className},,,${replaced},\r\n`);
    await commit(t, second);

    const undone = await undo(t, second.import.id);

    for (const number of [before, replaced]) expect(await rowsContaining('crm.roster_import_changes', [hidden(number)])).toBe(0);
    expect(undone.status).toBe(200);
    expect(undone.body.nationalIdsRemoved).toBe(1);
    expect((await classPupils(classId)).find((p) => p.id === ids.get('撤销童'))!.nationalIdMasked).toBeNull();
  });
});

describe('children\'s ID numbers left in plaintext by an earlier version (migration 1764000012000)', () => {
  async function legacyPupil(number: string): Promise<number> {
    const { ids } = await pupilsWithNumbers([{ name: '旧版童', number: '' }]);
    const studentId = [...ids.values()][0]!;
    await db().query('INSERT INTO crm.student_national_ids_legacy (student_id, national_id) VALUES ($1, $2)', [studentId, number]);
    return studentId;
  }

  it('when the service starts with storing on and the key set, then the plaintext is encrypted and gone', async () => {
    expect((await setStoring(true)).status).toBe(200);
    const number = idNumber();
    const studentId = await legacyPupil(number);

    const result = await reconcileNationalIds(db(), createNationalIdCipher(key));

    expect(result.encrypted).toBeGreaterThanOrEqual(1);
    expect(await tablesContaining(hidden(number))).toEqual([]);
    const sealed = (await db().query('SELECT key_id AS "keyId", ciphertext FROM crm.student_national_ids WHERE student_id = $1', [studentId])).rows[0];
    expect(createNationalIdCipher(key).open(sealed)).toBe(number);
  });

  it('when the service starts with storing on but no key, then it refuses to start and names ROSTER_ID_NUMBER_KEY', async () => {
    expect((await setStoring(true)).status).toBe(200);
    await expect(reconcileNationalIds(db(), null)).rejects.toThrow(/ROSTER_ID_NUMBER_KEY/);
  });

  it('when the service starts with storing off, then plaintext left behind is deleted and the deletion audited', async () => {
    expect((await setStoring(true)).status).toBe(200);
    const number = idNumber();
    await legacyPupil(number);
    await db().query('UPDATE crm.roster_settings SET store_national_id = false');

    const result = await reconcileNationalIds(db(), null);

    expect(result.purged).toBeGreaterThanOrEqual(1);
    expect(await tablesContaining(hidden(number))).toEqual([]);
    const audit = await db().query("SELECT details FROM auth.audit_log WHERE action = 'roster.national_id.purge' AND username = 'roster-start' ORDER BY id DESC LIMIT 1");
    expect(audit.rows[0].details.legacy).toBeGreaterThanOrEqual(1);
  });
});
