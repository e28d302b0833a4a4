import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_UNAVAILABLE_MESSAGE } from '@doitcrm/kit';
import { useTestApp, whileAuditLogRefusesRows } from '@doitcrm/kit/testing';
import { createDashboardApp } from '../src/app.ts';
import { dashboardConfigShape } from '../src/config.ts';
import type { AlertList } from '../src/contract.ts';
import { evaluateAlerts } from '../src/domain/evaluate-alerts.ts';
import { refreshRollups } from '../src/domain/refresh-rollups.ts';
import { createClass, daysAgo, insertMessages, type ClassFixture } from './fixtures.ts';

// Finding 4 and 5 of the hardening: the dashboard shows parents' names and quotes their messages (keyword alerts).
// Every such read is recorded before it is sent, a read that cannot be recorded sends nothing, and bulk copies
// (the student and alert exports) are for staff.

const t = useTestApp('dashboard', dashboardConfigShape, createDashboardApp, { roles: ['staff', 'viewer'] });
const timezone = 'Asia/Shanghai';
const EXCERPT = '孩子不想上了，我们想退费';

const as = (role: 'staff' | 'viewer', url: string) => supertest(t.app).get(url).set('Cookie', t.cookies[role]);

let cls: ClassFixture;
let parentName: string;

beforeAll(async () => {
  const { pool } = t.context;
  cls = await createClass(pool, ['在读']);
  await insertMessages(pool, [{ from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(2), content: EXCERPT }]);
  await refreshRollups(pool, { full: true }, { timezone });
  await evaluateAlerts(pool, { timezone });
  const { rows } = await pool.query('SELECT business_name FROM crm.identities WHERE original_id = $1', [cls.parents[0]]);
  parentName = rows[0].business_name;
});

async function auditRowsOf(action: string, userId: number) {
  const { rows } = await t.context.pool.query(
    'SELECT user_id::int AS "userId", username, target_type AS "targetType", target_id AS "targetId", details FROM auth.audit_log WHERE action = $1 AND user_id = $2 ORDER BY id',
    [action, userId]);
  return rows;
}

describe('bulk exports by viewers', () => {
  it.each([
    ['the alert list as CSV', () => '/api/exports/alerts.csv'],
    ['the alert list as Excel', () => '/api/exports/alerts.xlsx'],
    ['one class\'s students and guardians as CSV', () => `/api/exports/class-report.csv?classId=${cls.classId}`],
    ['one class\'s students and guardians as Excel', () => `/api/exports/class-report.xlsx?classId=${cls.classId}`],
  ])('when a viewer downloads %s, then 403 and no parent is named', async (_what, url) => {
    const response = await as('viewer', url());

    expect(response.status).toBe(403);
    expect(response.text).not.toContain(parentName);
  });

  it('when a viewer downloads the report of many classes (numbers per class, no person), then it is served and audited', async () => {
    const response = await as('viewer', '/api/exports/class-report.csv');

    expect(response.status).toBe(200);
    expect(await auditRowsOf('dashboard.export.classes', t.users.viewer.id)).toHaveLength(1);
  });

  it('when staff download one class\'s students, then the file names the guardians and its audit row names the class and them', async () => {
    const response = await as('staff', `/api/exports/class-report.csv?classId=${cls.classId}`);

    expect(response.status).toBe(200);
    expect(response.text).toContain(parentName);
    expect(await auditRowsOf('dashboard.export.students', t.users.staff.id)).toEqual([expect.objectContaining({
      username: t.users.staff.username, targetType: 'class', targetId: String(cls.classId), details: expect.objectContaining({ people: [cls.parents[0]] }),
    })]);
  });
});

describe('reads of parents\' data are audited first and fail closed', () => {
  it('when a viewer reads the alerts that quote a parent\'s message, then an audit row names the reader and that parent', async () => {
    const response = await as('viewer', `/api/alerts?classId=${cls.classId}`);

    expect(response.status).toBe(200);
    const keyword = (response.body as AlertList).items.find((alert) => alert.kind === 'keyword');
    expect(keyword?.evidence.excerpt).toContain('退费');
    const rows = await auditRowsOf('dashboard.alerts.view', t.users.viewer.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ username: t.users.viewer.username, targetType: 'alerts', details: { people: [cls.parents[0]] } });
    expect(rows[0].details.alerts).toContain(keyword!.id);
  });

  it.each<[string, 'staff' | 'viewer', () => string]>([
    ['the alerts quoting a parent', 'viewer', () => `/api/alerts?classId=${cls.classId}`],
    ['a class\'s parents', 'viewer', () => `/api/class-details/${cls.classId}`],
    ['the alert export', 'staff', () => '/api/exports/alerts.csv'],
    ['one class\'s students', 'staff', () => `/api/exports/class-report.xlsx?classId=${cls.classId}`],
  ])('when the audit log refuses rows and %s is read, then 503 says so and no parent data is sent', async (_what, role, url) => {
    const response = await whileAuditLogRefusesRows(t.context.pool, () => as(role, url()));

    expect(response.status).toBe(503);
    expect(response.body.message).toBe(AUDIT_UNAVAILABLE_MESSAGE);
    expect(response.text).not.toContain(parentName);
    expect(response.text).not.toContain('退费');
    expect(response.text).not.toContain(cls.parents[0]);
  });

  it('when a class\'s parents are read, then the audit row names the reader, the class and its parents', async () => {
    const response = await as('viewer', `/api/class-details/${cls.classId}`);

    expect(response.status).toBe(200);
    expect(await auditRowsOf('dashboard.class.view', t.users.viewer.id)).toEqual([expect.objectContaining({
      username: t.users.viewer.username, targetType: 'class', targetId: String(cls.classId), details: expect.objectContaining({ people: [cls.parents[0]] }),
    })]);
  });
});
