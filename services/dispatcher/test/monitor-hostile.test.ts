import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import { insertMessages, insertTemplate } from './monitor-fixtures.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, createDispatcherApp, { roles: ['admin'] });

const failedCount = async () => (await t.context.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM dispatch.messages WHERE status = 'failed'")).rows[0]!.n;

describe('monitor API against a hostile caller', () => {
  it('when someone signed out reads statistics, messages, a trace or the configuration, or retries or changes anything, then each is refused with 401', async () => {
    const [message] = await insertMessages(t.context.pool, [{ templateId: await insertTemplate(t.context.pool), status: 'failed' }]);
    const anonymous = supertest(t.app);

    const answers = await Promise.all([
      anonymous.get('/api/messages/statistics/overview'), anonymous.get('/api/messages/statistics/realtime'), anonymous.get('/api/messages'),
      anonymous.get(`/api/messages/traces/${message!.traceId}`), anonymous.get('/api/config/configs'),
      anonymous.post(`/api/messages/${message!.id}/retry`), anonymous.post('/api/messages/retry-failed').send({ batch_id: message!.batchId }),
      anonymous.put('/api/config/configs/retry').send({ value: { maxAttempts: 1 } }),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 401, 401, 401]);
    expect(await failedCount()).toBe(1);
    const { rows } = await t.context.pool.query("SELECT count(*)::int AS n FROM auth.audit_log WHERE action LIKE 'dispatcher.%'");
    expect(rows[0].n).toBe(0);
  });

  it('when a page on another site makes a signed-in admin\'s browser change the configuration or retry, then both are refused with 403 and nothing changes', async () => {
    const config = await supertest(t.app).put('/api/config/configs/retry').set('Cookie', t.cookies.admin).set('Origin', 'https://evil.example')
      .send({ value: { maxAttempts: 1 }, version: 0 });
    const retry = await supertest(t.app).post('/api/messages/retry-failed').set('Cookie', t.cookies.admin).set('Origin', 'https://evil.example')
      .send({ batch_id: randomUUID() });

    expect([config.status, retry.status]).toEqual([403, 403]);
    expect((await t.context.pool.query('SELECT count(*)::int AS n FROM dispatch.configs')).rows[0].n).toBe(0);
  });

  it('when a search names a recipient with SQL in it, or a huge limit, then it is a plain value or a 400, never an error', async () => {
    const injected = await supertest(t.app).get("/api/messages?recipient=' OR 1=1 --").set('Cookie', t.cookies.admin);
    const huge = await supertest(t.app).get('/api/messages?limit=100000').set('Cookie', t.cookies.admin);

    expect(injected.status).toBe(200);
    expect(injected.body.items).toEqual([]);
    expect(huge.status).toBe(400);
    expect(huge.body.details[0].field).toBe('limit');
  });
});
