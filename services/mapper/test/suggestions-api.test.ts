import express, { type Express } from 'express';
import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createErrorHandler, createLogger } from '@doitcrm/kit';
import { useTestDatabase } from '@doitcrm/kit/testing';
import { generateSchool, loadSchool } from '@doitcrm/demo-data';
import type { Suggestion } from '../src/contract.ts';
import { createSuggestionRoutes } from '../src/entry-points/api/suggestion-routes.ts';
import { addActivity, addUser, classByName } from './suggestions-factory.ts';

const db = useTestDatabase({ max: 4 });
let app: Express;

beforeAll(async () => {
  await loadSchool(db.pool, generateSchool());
  // the routes as the service mounts them under /api (login is the app's business, tested with the app)
  app = express();
  app.use('/api', createSuggestionRoutes({ pool: db.pool }));
  app.use(createErrorHandler(createLogger({ service: 'mapper-test', level: 'silent' })));
});

describe('GET /api/suggestions', () => {
  it('when asked without parameters, then it answers a page of suggestions and a cursor', async () => {
    const { roomId } = await classByName(db.pool, '小熊1班');
    for (let i = 0; i < 3; i++) {
      const parent = await addUser(db.pool, { nickname: `家长${i}` });
      await addActivity(db.pool, parent.originalId, roomId, { sent: i, received: 10 });
    }

    const response = await supertest(app).get('/api/suggestions');

    expect(response.status).toBe(200);
    expect(response.body.items.length).toBe(3);
    expect(response.body.nextCursor).toBeNull();
    expect(response.body.items[0]).toMatchObject({ kind: 'role', idType: 'user_id', change: { userRole: 'parent' } });
  });

  it('when the pages are followed with kind and limit, then they hold that kind only and end with a null cursor', async () => {
    const seen: Suggestion[] = [];
    let cursor: string | null = null;
    do {
      const response = await supertest(app).get('/api/suggestions').query({ kind: 'role', limit: 2, ...(cursor ? { cursor } : {}) });
      expect(response.status).toBe(200);
      seen.push(...(response.body.items as Suggestion[]));
      cursor = response.body.nextCursor as string | null;
    } while (cursor);

    expect(seen.length).toBe(3);
    expect(new Set(seen.map((s) => s.originalId)).size).toBe(3);
    expect(seen.every((s) => s.kind === 'role')).toBe(true);
  });

  it('when a proposal is accepted through the mapping, then the next request no longer proposes it', async () => {
    const { roomId } = await classByName(db.pool, '小熊2班');
    const parent = await addUser(db.pool, { nickname: '阿花' });
    await addActivity(db.pool, parent.originalId, roomId, { sent: 1, received: 5 });
    const before = await supertest(app).get('/api/suggestions').query({ kind: 'role', limit: 200 });
    expect(before.body.items.map((s: Suggestion) => s.originalId)).toContain(parent.originalId);

    // what PUT /api/mappings/user_id/:originalId does with { userRole: 'parent' }
    await db.pool.query("UPDATE crm.identities SET user_role = 'parent' WHERE original_id = $1", [parent.originalId]);
    const after = await supertest(app).get('/api/suggestions').query({ kind: 'role', limit: 200 });

    expect(after.body.items.map((s: Suggestion) => s.originalId)).not.toContain(parent.originalId);
  });

  it('when activity is added after a first request, then the next request sees it (the cache follows the activity table)', async () => {
    await supertest(app).get('/api/suggestions').query({ kind: 'role' });
    const { roomId } = await classByName(db.pool, '小熊3班');
    const parent = await addUser(db.pool, { nickname: 'Sunny' });
    // an extraction records its run in the same transaction as the activity it wrote
    await db.pool.query('INSERT INTO crm.extracted_runs (run_id, new_ids) VALUES ($1, 1)', [Math.floor(Math.random() * 1e9)]);
    await addActivity(db.pool, parent.originalId, roomId, { received: 5 });

    const response = await supertest(app).get('/api/suggestions').query({ kind: 'role', limit: 200 });

    expect(response.body.items.map((s: Suggestion) => s.originalId)).toContain(parent.originalId);
  });

  it('when a field is sent empty (a form with no filter), then it counts as not given', async () => {
    const response = await supertest(app).get('/api/suggestions?kind=&limit=&cursor=');

    expect(response.status).toBe(200);
    expect(response.body.items.length).toBeGreaterThan(0);
  });

  it.each([
    ['kind', { kind: 'teacher' }],
    ['kind', { kind: ['role', 'class'] }],
    ['limit', { limit: 0 }],
    ['limit', { limit: 201 }],
    ['limit', { limit: 'ten' }],
    ['limit', { limit: 2.5 }],
    ['cursor', { cursor: 'not-a-cursor' }],
    ['cursor', { cursor: Buffer.from('["x","y","role"]').toString('base64url') }],
    ['cursor', { cursor: 'x'.repeat(2_000) }],
  ])('when %s is bad (%j), then it answers 400 naming that parameter', async (field, query) => {
    const response = await supertest(app).get('/api/suggestions').query(query);

    expect(response.status).toBe(400);
    expect(response.body.name).toBe('ValidationError');
    expect(response.body.message).toContain(field);
    expect(response.body.details.map((detail: { field: string }) => detail.field)).toEqual([field]);
  });
});
