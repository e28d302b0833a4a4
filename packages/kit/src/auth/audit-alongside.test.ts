import express from 'express';
import request from 'supertest';
import { describe, expect, test } from 'vitest';
import { NotFoundError } from '../errors.ts';
import { uniqueSuffix, useTestDatabase, waitFor, whileAuditLogRefusesRows } from '../testing/index.ts';
import { AUDIT_UNAVAILABLE_MESSAGE, auditReadAlongside, type RequestAuditEntry } from './audit.ts';

const db = useTestDatabase();

async function auditRowsFor(targetId: string) {
  const { rows } = await db.pool.query('SELECT action, details FROM auth.audit_log WHERE target_id = $1', [targetId]);
  return rows;
}

/** An app whose one route reads through auditReadAlongside; `read` gets the entry's target id. */
function appReading(entryOf: (targetId: string) => RequestAuditEntry | null, read: (targetId: string) => Promise<unknown>) {
  const app = express();
  app.get('/read/:targetId', async (req, res) => {
    try {
      const targetId = req.params.targetId;
      res.json({ result: await auditReadAlongside(db.pool, req, entryOf(targetId), read(targetId)) });
    } catch (error) {
      const failed = error as Error & { status?: number };
      res.status(failed.status ?? 500).json({ message: failed.message });
    }
  });
  return app;
}

const viewOf = (targetId: string): RequestAuditEntry => ({ service: 'messages', action: 'messages.person.view', targetType: 'person', targetId, details: { returned: 2 } });

describe('a read audited alongside its queries', () => {
  test('when the audit row cannot be written, then the read is refused with a 503 even though its queries succeeded', async () => {
    // Arrange
    const targetId = `wm-${uniqueSuffix()}`;
    const app = appReading(viewOf, async () => ['家长的消息']);

    // Act
    const response = await whileAuditLogRefusesRows(db.pool, () => request(app).get(`/read/${targetId}`));

    // Assert
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ message: AUDIT_UNAVAILABLE_MESSAGE });
    expect(JSON.stringify(response.body)).not.toContain('家长的消息');
    expect(await auditRowsFor(targetId)).toEqual([]);
  });

  test('when the read is still running, then its audit row is already being written, and the answer waits for both', async () => {
    // Arrange: the read ends only once the row is in the table, which it never is if the row waits for the read
    const targetId = `wm-${uniqueSuffix()}`;
    const app = appReading(viewOf, async (id) => {
      await waitFor('the audit row of the read', async () => (await auditRowsFor(id)).length === 1, { timeoutMs: 5_000 });
      return ['家长的消息'];
    });

    // Act
    const response = await request(app).get(`/read/${targetId}`);

    // Assert
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ result: ['家长的消息'] });
    expect(await auditRowsFor(targetId)).toEqual([{ action: 'messages.person.view', details: { returned: 2 } }]);
  });

  test('when the read fails, then its own error is answered; when the entry is null, then nothing is recorded', async () => {
    // Arrange
    const failing = `wm-${uniqueSuffix()}`;
    const unrecorded = `wm-${uniqueSuffix()}`;
    const app = appReading((id) => (id === unrecorded ? null : viewOf(id)), async (id) => {
      if (id === failing) throw new NotFoundError(`没有这个人: ${id}`);
      return [];
    });

    // Act
    const failed = await request(app).get(`/read/${failing}`);
    const empty = await request(app).get(`/read/${unrecorded}`);

    // Assert
    expect(failed.status).toBe(404);
    expect(empty.body).toEqual({ result: [] });
    expect(await auditRowsFor(unrecorded)).toEqual([]);
  });
});
