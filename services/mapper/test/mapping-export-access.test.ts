import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_UNAVAILABLE_MESSAGE } from '@doitcrm/kit';
import { uniqueSuffix, useTestApp, whileAuditLogRefusesRows } from '@doitcrm/kit/testing';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape } from '../src/config.ts';

// Finding 4 and 5 of the hardening: mappings.csv copies every parent's name, children and notes at once. It is for
// staff, and it leaves only once its audit row is written.

const t = useTestApp('mapper', mapperConfigShape, createMapperApp, { roles: ['staff', 'viewer'] });

const exportAs = (role: 'staff' | 'viewer', keyword: string) =>
  supertest(t.app).get(`/api/mappings.csv?idType=user_id&keyword=${encodeURIComponent(keyword)}`).set('Cookie', t.cookies[role]);

const parent = { id: '', name: '', note: '' };

beforeAll(async () => {
  const suffix = uniqueSuffix();
  Object.assign(parent, { id: `wmEXPORT${suffix}`, name: `陈妈妈${suffix}`, note: `孩子对花生过敏 ${suffix}` });
  await t.context.pool.query(
    "INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, user_role, notes) VALUES ('user_id', $1, 'external_wechat', $2, 'parent', $3)",
    [parent.id, parent.name, parent.note]);
});

async function exportRowsOf(userId: number) {
  const { rows } = await t.context.pool.query(
    "SELECT username, target_type AS \"targetType\", details FROM auth.audit_log WHERE action = 'mapper.export' AND user_id = $1", [userId]);
  return rows;
}

describe('mappings.csv', () => {
  it('when a viewer exports the mappings, then 403, no parent in the answer and nothing recorded as exported', async () => {
    const response = await exportAs('viewer', parent.id);

    expect(response.status).toBe(403);
    expect(response.text).not.toContain(parent.name);
    expect(await exportRowsOf(t.users.viewer.id)).toEqual([]);
  });

  it('when the audit log refuses rows and staff export the mappings, then 503 says so and no parent data is sent', async () => {
    const response = await whileAuditLogRefusesRows(t.context.pool, () => exportAs('staff', parent.id));

    expect(response.status).toBe(503);
    expect(response.body.message).toBe(AUDIT_UNAVAILABLE_MESSAGE);
    expect(response.text).not.toContain(parent.name);
    expect(response.text).not.toContain(parent.note);
    expect(response.headers['content-disposition']).toBeUndefined();
  });

  it('when staff export the mappings, then the file holds the parent and the audit row names the reader and the ids exported', async () => {
    const response = await exportAs('staff', parent.id);

    expect(response.status).toBe(200);
    expect(response.text).toContain(parent.note);
    expect(await exportRowsOf(t.users.staff.id)).toEqual([{
      username: t.users.staff.username, targetType: 'mappings',
      details: expect.objectContaining({ idType: 'user_id', rows: 1, ids: [parent.id], filter: expect.objectContaining({ keyword: parent.id }) }),
    }]);
  });
});
