import express from 'express';
import request from 'supertest';
import { describe, expect, test, vi } from 'vitest';
import { createLogger } from '../logger.ts';
import { uniqueSuffix, useTestDatabase } from '../testing/index.ts';
import { UnavailableError } from '../errors.ts';
import { AUDIT_UNAVAILABLE_MESSAGE, auditFromRequest, auditRead, recordAudit, recordAuditOrLog, type AuditEntry } from './audit.ts';
import { buildTestUser } from './auth-test-helpers.ts';

const db = useTestDatabase();

async function auditRowsFor(targetId: string) {
  const { rows } = await db.pool.query('SELECT service, action, target_type, target_id, details, user_id::int AS user_id, username, ip, user_agent FROM auth.audit_log WHERE target_id = $1', [targetId]);
  return rows;
}

describe('audit log', () => {
  test('when an entry is recorded, then one row holds every field, the target id as text and details as JSON', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);
    const targetId = `wm-${uniqueSuffix()}`;

    // Act
    await recordAudit(db.pool, {
      service: 'messages',
      action: 'messages.conversation.view',
      targetType: 'person',
      targetId,
      details: { from: '2024-01-01', count: 3 },
      userId: user.id,
      username: user.username,
      ip: '10.1.2.3',
      userAgent: 'x'.repeat(2000),
    });

    // Assert
    expect(await auditRowsFor(targetId)).toEqual([
      {
        service: 'messages',
        action: 'messages.conversation.view',
        target_type: 'person',
        target_id: targetId,
        details: { from: '2024-01-01', count: 3 },
        user_id: user.id,
        username: user.username,
        ip: '10.1.2.3',
        user_agent: 'x'.repeat(512),
      },
    ]);
  });

  test('when the database refuses the row, then recordAudit throws and recordAuditOrLog logs and answers false', async () => {
    // Arrange: a user id that does not exist violates the foreign key
    const entry: AuditEntry = { service: 'roster', action: 'roster.student.update', targetId: `s-${uniqueSuffix()}`, userId: 999_999_999 };
    const logger = createLogger({ service: 'audit-test', level: 'silent' });
    const logged = vi.spyOn(logger, 'error');

    // Act
    const thrown = await recordAudit(db.pool, entry).then(() => null, (error: unknown) => error);
    const answered = await recordAuditOrLog(db.pool, logger, entry);

    // Assert
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(/foreign key/);
    expect(answered).toBe(false);
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ audit: entry }), 'audit row could not be written');
  });

  test('when an entry is built from a request, then user, IP and user agent come from the request and explicit fields win', async () => {
    // Arrange
    const targetId = String(Math.floor(Math.random() * 1e9));
    const app = express();
    app.post('/edit', async (req, res) => {
      req.user = { id: 42, username: 'zhang', displayName: '张老师', role: 'staff' };
      const entry = auditFromRequest(req, { service: 'roster', action: 'roster.student.update', targetType: 'student', targetId });
      const overridden = auditFromRequest(req, { service: 'roster', action: 'x', ip: '192.0.2.9' });
      res.json({ entry, overriddenIp: overridden.ip });
    });

    // Act
    const response = await request(app).post('/edit').set('User-Agent', 'teacher-browser');

    // Assert
    expect(response.body.entry).toEqual({
      service: 'roster',
      action: 'roster.student.update',
      targetType: 'student',
      targetId,
      userId: 42,
      username: 'zhang',
      ip: expect.stringContaining('127.0.0.1'),
      userAgent: 'teacher-browser',
    });
    expect(response.body.overriddenIp).toBe('192.0.2.9');
  });

  test('when the row of a read cannot be written, then auditRead fails closed with a 503 that says nothing was sent', async () => {
    // Arrange: a user id that does not exist violates the foreign key, as an unwritable table would refuse the row
    const targetId = `wm-${uniqueSuffix()}`;
    const app = express();
    app.get('/read', async (req, res) => {
      req.user = { id: 999_999_999, username: 'ghost', displayName: '不存在', role: 'staff' };
      const thrown = await auditRead(db.pool, req, { service: 'messages', action: 'messages.person.view', targetType: 'person', targetId })
        .then(() => null, (error: unknown) => error);
      res.json({ isUnavailable: thrown instanceof UnavailableError, status: (thrown as UnavailableError).status, message: (thrown as Error).message });
    });

    // Act
    const response = await request(app).get('/read');

    // Assert
    expect(response.body).toEqual({ isUnavailable: true, status: 503, message: AUDIT_UNAVAILABLE_MESSAGE });
    expect(await auditRowsFor(targetId)).toEqual([]);
  });

  test('when a read is audited, then its row names the reader from the request and the person read', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);
    const targetId = `wm-${uniqueSuffix()}`;
    const app = express();
    app.get('/read', async (req, res) => {
      req.user = { id: user.id, username: user.username, displayName: '老师', role: 'staff' };
      await auditRead(db.pool, req, { service: 'roster', action: 'roster.contact.reveal', targetType: 'student_contact', targetId, details: { studentId: 7 } });
      res.end();
    });

    // Act
    await request(app).get('/read');

    // Assert
    expect(await auditRowsFor(targetId)).toEqual([expect.objectContaining({
      service: 'roster', action: 'roster.contact.reveal', target_type: 'student_contact', target_id: targetId, details: { studentId: 7 },
      user_id: user.id, username: user.username,
    })]);
  });
});
