import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { uniqueSuffix, useTestApp } from '@doitcrm/kit/testing';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape } from '../src/config.ts';
import type { ClassOption, UserGroup, UserMapping } from '../src/contract.ts';

// Names written by something other than the mapper (the roster, an old import) can be blank or padded: the
// database's one definition (display_name, has_business_name) trims them, so these ids read as unnamed.
const t = useTestApp('mapper', mapperConfigShape, createMapperApp, { roles: ['staff'] });

const get = (url: string) => supertest(t.app).get(url).set('Cookie', t.cookies.staff);

describe('names written blank or padded', () => {
  it('when a teacher\'s business name is only whitespace, then the list counts the id unmapped, not mapped', async () => {
    const id = `wmBLANK${uniqueSuffix()}`;
    await t.context.pool.query(
      "INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, user_role) VALUES ('user_id', $1, 'staff', $2, 'teacher')",
      [id, ' \u3000\t']);

    const mapped = await get(`/api/mappings/user_id?keyword=${id}&state=mapped`).expect(200);
    const unmapped = await get(`/api/mappings/user_id?keyword=${id}&state=unmapped`).expect(200);

    expect(mapped.body.total).toBe(0);
    expect((unmapped.body.items as UserMapping[]).map((item) => [item.originalId, item.state])).toEqual([[id, 'unmapped']]);
  });

  it('when a group\'s business name is blank, then its class and its members\' group lists show its nickname, trimmed', async () => {
    const suffix = uniqueSuffix();
    const [room, user, className] = [`wrBLANK${suffix}`, `wmMEMBER${suffix}`, `空名班${suffix}`];
    await t.context.pool.query(
      `INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, wecom_nickname) VALUES ('room_id', $1, 'customer_group', ' ', ' 三年级家长群 ')`,
      [room]);
    await t.context.pool.query(
      "INSERT INTO crm.classes (level_id, room_id, name) SELECT id, $1, $2 FROM crm.levels WHERE name = 'L2'", [room, className]);
    await t.context.pool.query(
      'INSERT INTO crm.identity_activity (original_id, room_id, day, sent, received, last_at) VALUES ($1, $2, current_date, 3, 5, now())', [user, room]);

    const classes = (await get(`/api/classes?keyword=${encodeURIComponent(className)}`).expect(200)).body.items as ClassOption[];
    const groups = (await get(`/api/user-groups/${user}`).expect(200)).body.items as UserGroup[];

    expect(classes.map((option) => option.roomName)).toEqual(['三年级家长群']);
    expect(groups.map((group) => [group.roomId, group.name])).toEqual([[room, '三年级家长群']]);
  });
});
