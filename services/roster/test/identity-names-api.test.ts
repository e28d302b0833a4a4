import { describe, expect, it } from 'vitest';
import { uniqueSuffix } from '@doitcrm/kit/testing';
import { commit, freshMatrix, preview, useRosterApp } from './roster-harness.ts';

// A teacher is matched to a WeCom identity by the name the rest of the suite shows for it: the database's one
// definition (display_name: business name, else nickname, trimmed, blank as none).
const t = useRosterApp();

const db = () => t.service.context.pool;

describe('teacher names matched by the display name', () => {
  it('when a staff identity has an empty business name and the teacher\'s name as its nickname, then the new staff row is linked to it', async () => {
    const name = `钱老师${uniqueSuffix()}`;
    const identity = await db().query(
      "INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, wecom_nickname, user_role) VALUES ('user_id', $1, 'staff', '', $2, 'teacher') RETURNING id",
      [`qian${uniqueSuffix()}`, ` ${name} `]);
    const { csv, rooms } = freshMatrix([{ pupils: ['孙一'], teacher: name }]);

    await commit(t, await preview(t, csv));

    const { rows } = await db().query('SELECT s.identity_id, s.name FROM crm.classes c JOIN crm.staff s ON s.id = c.teacher_staff_id WHERE c.room_id = $1', [rooms[0]]);
    expect(rows).toEqual([{ identity_id: identity.rows[0].id, name }]);
  });
});
