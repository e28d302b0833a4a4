import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_UNAVAILABLE_MESSAGE } from '@doitcrm/kit';
import { whileAuditLogRefusesRows } from '@doitcrm/kit/testing';
import type { RevealedPhone, RosterStudent } from '../src/contract.ts';
import { commit, freshMatrix, preview, useRosterApp } from './roster-harness.ts';

// Finding 4 of the hardening: a class's pupil list carried every guardian's whole phone number and each pupil's
// address, and nobody's look at it was recorded. Now the list is recorded before it is sent (or not sent), the
// numbers are masked, and a member of staff sees one whole number by asking for it, which is recorded too.

const t = useRosterApp();
const db = () => t.service.context.pool;

const fixture = { classId: 0, studentId: 0, contactId: 0, phone: '', address: '', importId: 0 };

beforeAll(async () => {
  const matrix = freshMatrix([{ pupils: ['占位'] }]);
  await commit(t, await preview(t, matrix.csv));
  const phone = `138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const address = `幸福路${phone.slice(-4)}号`;
  const header = '学员姓名,手机号身份,手机号,所在班级,学校,住址,学员身份证号码,家长姓名';
  const enrolment = await preview(t, `${header}\r\n陈小宝,妈妈,${phone},${matrix.names[0]},实验小学,${address},,刘芳\r\n`);
  expect((await commit(t, enrolment)).status).toBe(200);
  const { rows: [row] } = await db().query(
    `SELECT e.class_id, sc.student_id, sc.id AS contact_id FROM crm.student_contacts sc JOIN crm.enrolments e ON e.student_id = sc.student_id
     WHERE sc.phone = $1`, [phone]);
  Object.assign(fixture, { classId: row.class_id, studentId: row.student_id, contactId: row.contact_id, phone, address, importId: enrolment.import.id });
});

const classList = (cookie: string) => supertest(t.app).get(`/api/classes/${fixture.classId}/students`).set('Cookie', cookie);
const reveal = (cookie: string, contactId = fixture.contactId) => supertest(t.app).post(`/api/contacts/${contactId}/reveal`).set('Cookie', cookie).send({});

async function auditRowsOf(action: string, userId: number) {
  const { rows } = await db().query(
    'SELECT username, target_type AS "targetType", target_id AS "targetId", details FROM auth.audit_log WHERE action = $1 AND user_id = $2 ORDER BY id',
    [action, userId]);
  return rows;
}

describe('guardians\' phone numbers in the roster', () => {
  it('when staff read a class\'s pupils, then every phone is masked, and an audit row names the reader, the class and its pupils', async () => {
    const response = await classList(t.cookies.staff);

    expect(response.status).toBe(200);
    expect(response.text).not.toContain(fixture.phone);
    const pupil = (response.body as RosterStudent[]).find((s) => s.id === fixture.studentId)!;
    expect(pupil.contacts).toEqual([{ id: fixture.contactId, name: '刘芳', relation: '妈妈', phoneMasked: `138****${fixture.phone.slice(-4)}` }]);
    expect(await auditRowsOf('roster.class.students.view', t.users.staff.id)).toEqual([{
      username: t.users.staff.username, targetType: 'class', targetId: String(fixture.classId), details: { students: expect.arrayContaining([fixture.studentId]) },
    }]);
  });

  it('when a viewer asks for a class\'s pupils or a whole number, then 403 and no number or address', async () => {
    const list = await classList(t.cookies.viewer);
    const revealed = await reveal(t.cookies.viewer);

    expect([list.status, revealed.status]).toEqual([403, 403]);
    for (const response of [list, revealed]) {
      expect(response.text).not.toContain(fixture.phone);
      expect(response.text).not.toContain(fixture.address);
    }
  });

  it('when staff ask for one guardian\'s number, then it is shown whole, not cached, and the audit row names the reader, the contact and the pupil', async () => {
    const response = await reveal(t.cookies.staff);

    expect(response.status).toBe(200);
    expect(response.body as RevealedPhone).toEqual({ id: fixture.contactId, studentId: fixture.studentId, phone: fixture.phone });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(await auditRowsOf('roster.contact.reveal', t.users.staff.id)).toEqual([{
      username: t.users.staff.username, targetType: 'student_contact', targetId: String(fixture.contactId), details: { studentId: fixture.studentId },
    }]);
  });

  it('when staff ask for a contact that does not exist, then 404 names it', async () => {
    const response = await reveal(t.cookies.staff, 2_000_000_000);

    expect(response.status).toBe(404);
    expect(response.body.message).toContain('2000000000');
  });
});

describe('when the audit log refuses rows', () => {
  it.each([
    ['a class\'s pupils', () => classList(t.cookies.staff)],
    ['one whole number', () => reveal(t.cookies.staff)],
    ['a reopened enrolment preview', () => supertest(t.app).get(`/api/imports/${fixture.importId}`).set('Cookie', t.cookies.staff)],
  ])('and staff read %s, then 503 says so and no pupil, number or address is sent', async (_what, read) => {
    const response = await whileAuditLogRefusesRows(db(), read);

    expect(response.status).toBe(503);
    expect(response.body.message).toBe(AUDIT_UNAVAILABLE_MESSAGE);
    expect(response.text).not.toContain(fixture.phone);
    expect(response.text).not.toContain(fixture.address);
    expect(response.text).not.toContain('陈小宝');
  });
});
