import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@doitcrm/kit/testing';

// The one definition of who an id is (1764000018000_identity-display-name-and-mapped.sql): the stored
// display_name / has_business_name columns of crm.identities and the is_mapped column of the per-type views.

// one connection, like the single client these tests were written with
const t = useTestDatabase({ max: 1 });

interface Stored { display_name: string | null; has_business_name: boolean }

async function identity(idType: 'user_id' | 'room_id', fields: { businessName?: string | null; nickname?: string | null; role?: string | null } = {}) {
  const originalId = `${idType === 'room_id' ? 'wr' : 'wm'}${randomUUID()}`;
  const { rows } = await t.pool.query<{ id: string }>(
    `INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, wecom_nickname, user_role)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [idType, originalId, idType === 'room_id' ? 'customer_group' : 'external_wechat', fields.businessName ?? null, fields.nickname ?? null, fields.role ?? null]);
  return { id: rows[0]!.id, originalId };
}

async function stored(id: string): Promise<Stored> {
  const { rows } = await t.pool.query<Stored>('SELECT display_name, has_business_name FROM crm.identities WHERE id = $1', [id]);
  return rows[0]!;
}

async function isMapped(idType: 'user_id' | 'room_id', id: string): Promise<boolean> {
  const view = idType === 'user_id' ? 'crm.user_identities' : 'crm.room_identities';
  const { rows } = await t.pool.query<{ is_mapped: boolean }>(`SELECT is_mapped FROM ${view} WHERE id = $1`, [id]);
  return rows[0]!.is_mapped;
}

async function student(): Promise<number> {
  const { rows } = await t.pool.query<{ id: number }>("INSERT INTO crm.students (name) VALUES ('王小明') RETURNING id");
  return rows[0]!.id;
}

describe('display_name', () => {
  it('when the business name is NULL, empty or only whitespace, then the display name is the trimmed nickname', async () => {
    for (const businessName of [null, '', '   ', '\u3000\t\n']) {
      const { id } = await identity('user_id', { businessName, nickname: '  王妈妈\u3000' });
      expect(await stored(id)).toEqual({ display_name: '王妈妈', has_business_name: false });
    }
  });

  it('when both names are blank, then there is no display name (NULL) and each reader picks its own stand-in', async () => {
    const { id } = await identity('user_id', { businessName: ' ', nickname: '\u00a0' });
    expect(await stored(id)).toEqual({ display_name: null, has_business_name: false });
  });

  it('when a business name is given, then it wins over the nickname, trimmed', async () => {
    const { id } = await identity('user_id', { businessName: '\u3000王小明妈妈 ', nickname: '王妈妈' });
    expect(await stored(id)).toEqual({ display_name: '王小明妈妈', has_business_name: true });
  });

  it('when the names change later, then the display name follows without anyone recomputing it', async () => {
    const { id } = await identity('room_id');
    expect((await stored(id)).display_name).toBeNull();
    await t.pool.query("UPDATE crm.identities SET wecom_nickname = '三年级家长群' WHERE id = $1", [id]);
    expect((await stored(id)).display_name).toBe('三年级家长群');
    await t.pool.query("UPDATE crm.identities SET business_name = 'K3 周六班' WHERE id = $1", [id]);
    expect((await stored(id)).display_name).toBe('K3 周六班');
    await t.pool.query("UPDATE crm.identities SET business_name = ' ' WHERE id = $1", [id]);
    expect((await stored(id)).display_name).toBe('三年级家长群');
  });

  it('when a name is only characters JavaScript\'s trim() removes, then it is blank here too, and no other character is trimmed', async () => {
    // every code point the mapper's trim() removes when a name is typed, and the nearest ones it keeps
    const blanks: string[] = [];
    for (let code = 0; code <= 0xffff; code++) if (String.fromCharCode(code).trim() === '') blanks.push(String.fromCharCode(code));
    const kept = ['\u200b', '\u180e', '\u0085', '\u00ad', 'x'];
    expect(kept.filter((char) => char.trim() === '')).toEqual([]);
    const { rows } = await t.pool.query<{ blank: string; name: string | null }>(
      'SELECT blank, crm.name_or_null(blank) AS name FROM unnest($1::text[]) AS blank', [[...blanks, blanks.join(''), ...kept]]);
    expect(rows.filter((row) => row.name !== null).map((row) => row.blank.codePointAt(0)!.toString(16))).toEqual(kept.map((char) => char.codePointAt(0)!.toString(16)));
  });
});

describe('is_mapped', () => {
  it('when a user id lacks a business name (NULL, empty or whitespace) or a role, then it is unmapped; with both (not a parent), mapped', async () => {
    const cases: Array<[{ businessName?: string | null; role?: string | null }, boolean]> = [
      [{ businessName: null, role: 'teacher' }, false],
      [{ businessName: '', role: 'teacher' }, false],
      [{ businessName: ' \u3000 ', role: 'teacher' }, false],
      [{ businessName: '李老师', role: null }, false],
      [{ businessName: '李老师', role: 'teacher' }, true],
      [{ businessName: '陈主任', role: 'head_teacher' }, true],
      [{ businessName: '顾问小张', role: 'advisor' }, true],
    ];
    for (const [fields, mapped] of cases) {
      const { id } = await identity('user_id', { nickname: '昵称', ...fields });
      expect({ fields, mapped: await isMapped('user_id', id) }).toEqual({ fields, mapped });
    }
  });

  it('when a named parent has no student, then it is unmapped until one is linked, and unmapped again when it is removed', async () => {
    const { id } = await identity('user_id', { businessName: '王小明妈妈', role: 'parent' });
    expect(await isMapped('user_id', id)).toBe(false);
    const studentId = await student();
    await t.pool.query("INSERT INTO crm.guardianships (identity_id, student_id, relation) VALUES ($1, $2, 'mother')", [id, studentId]);
    expect(await isMapped('user_id', id)).toBe(true);
    await t.pool.query('DELETE FROM crm.guardianships WHERE identity_id = $1', [id]);
    expect(await isMapped('user_id', id)).toBe(false);
  });

  it('when a group has a business name or is a class\'s group, then it is mapped; a blank name alone is not', async () => {
    const named = await identity('room_id', { businessName: '周六班家长群' });
    const blank = await identity('room_id', { businessName: ' ', nickname: '群昵称' });
    const linked = await identity('room_id', { businessName: '' });
    const { rows: [level] } = await t.pool.query<{ id: number }>(
      `WITH sec AS (INSERT INTO crm.sections (name, code, sort_order) VALUES ($1, $1, 1) RETURNING id)
       INSERT INTO crm.levels (section_id, name, code, sort_order) SELECT id, $1, $1, 1 FROM sec RETURNING id`, [randomUUID()]);
    await t.pool.query("INSERT INTO crm.classes (level_id, room_id, name) VALUES ($1, $2, 'K3 周六班')", [level!.id, linked.originalId]);
    expect([await isMapped('room_id', named.id), await isMapped('room_id', blank.id), await isMapped('room_id', linked.id)]).toEqual([true, false, true]);
  });

  it('when an id is of the other type, then the view of this type does not list it', async () => {
    const room = await identity('room_id', { businessName: '群' });
    const user = await identity('user_id', { businessName: '李老师', role: 'teacher' });
    const { rows } = await t.pool.query<{ users: number; rooms: number }>(
      `SELECT (SELECT count(*)::int FROM crm.user_identities WHERE id = ANY($1::bigint[])) AS users,
              (SELECT count(*)::int FROM crm.room_identities WHERE id = ANY($1::bigint[])) AS rooms`, [[room.id, user.id]]);
    expect(rows[0]).toEqual({ users: 1, rooms: 1 });
  });
});
