import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { AUDIT_UNAVAILABLE_MESSAGE } from '@doitcrm/kit';
import { useTestApp, whileAuditLogRefusesRows } from '@doitcrm/kit/testing';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape } from '../src/config.ts';
import { createFamily, insertMessages, text } from './chat-factory.ts';

// Finding 5 of the hardening: the cohort message export and the parent communication summary copy many families'
// messages or activity into a file, so they are for staff, as roster's pupil exports are. Reading a cohort on the
// page stays open to viewers; like every view of messages it is recorded first, or not served (finding 4).

const api = useTestApp('messages', messagesConfigShape, createMessagesApp, { roles: ['staff', 'viewer'] });

const windowStart = new Date('2025-11-01T00:00:00+08:00').toISOString();
const windowEnd = new Date('2025-11-30T23:59:59+08:00').toISOString();
const SECRET = '孩子这周在家哭了好几次';

async function familyWithMessage() {
  const f = await createFamily(api.context.pool);
  await insertMessages(api.context.pool, Array.from({ length: 5 }, (_, i) => ({
    from: f.parent, to: [f.teacher], roomId: null, at: new Date(`2025-11-0${i + 1}T10:00:00+08:00`), ...text(SECRET),
  })));
  return f;
}

const exportCohort = (role: 'staff' | 'viewer', parent: string, format: 'csv' | 'txt') => supertest(api.app)
  .post(`/api/aggregate-messages/export?format=${format}`).set('Cookie', api.cookies[role])
  .send({ user_ids: [parent], start_time: windowStart, end_time: windowEnd });
const commSummary = (role: 'staff' | 'viewer') => supertest(api.app)
  .get('/api/exports/parent-comm-summary.csv?min_messages=1&role=parent').set('Cookie', api.cookies[role]);

async function auditActionsOf(userId: number): Promise<string[]> {
  const { rows } = await api.context.pool.query('SELECT action FROM auth.audit_log WHERE user_id = $1 ORDER BY id', [userId]);
  return rows.map((row) => row.action);
}

describe('bulk exports of messages', () => {
  it.each(['csv', 'txt'] as const)('when a viewer exports a cohort\'s messages as %s, then 403 and no message is sent', async (format) => {
    const f = await familyWithMessage();

    const response = await exportCohort('viewer', f.parent, format);

    expect(response.status).toBe(403);
    expect(response.text).not.toContain(SECRET);
  });

  it('when a viewer exports the parent communication summary, then 403 and no parent is listed', async () => {
    const f = await familyWithMessage();

    const response = await commSummary('viewer');

    expect(response.status).toBe(403);
    expect(response.text).not.toContain(f.parent);
    expect(await auditActionsOf(api.users.viewer.id)).not.toContain('messages.comm-summary.export');
  });

  it('when staff export a cohort, then the file holds the messages and the audit row names the reader and the people', async () => {
    const f = await familyWithMessage();

    const response = await exportCohort('staff', f.parent, 'csv');

    expect(response.status).toBe(200);
    expect(response.text).toContain(SECRET);
    const { rows } = await api.context.pool.query(
      "SELECT username, details FROM auth.audit_log WHERE action = 'messages.cohort.export' AND details->'people' ? $1", [f.parent]);
    expect(rows).toEqual([{ username: api.users.staff.username, details: expect.objectContaining({ people: [f.parent], format: 'csv' }) }]);
  });

  it('when the audit log refuses rows and a viewer reads a cohort, then 503 says so and no message is sent', async () => {
    const f = await familyWithMessage();

    const response = await whileAuditLogRefusesRows(api.context.pool, () => supertest(api.app)
      .post('/api/aggregate-messages').set('Cookie', api.cookies.viewer)
      .send({ user_ids: [f.parent], start_time: windowStart, end_time: windowEnd }));

    expect(response.status).toBe(503);
    expect(response.body.message).toBe(AUDIT_UNAVAILABLE_MESSAGE);
    expect(response.text).not.toContain(SECRET);
  });
});
