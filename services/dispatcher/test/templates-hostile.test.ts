import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, createDispatcherApp, { roles: ['staff'] });

const templateCount = async () => (await t.context.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dispatch.templates')).rows[0]!.n;

describe('templates API against a hostile caller', () => {
  it('when someone signed out lists, previews or creates templates, then each is refused with 401 and nothing is written', async () => {
    const before = await templateCount();

    const list = await supertest(t.app).get('/api/templates');
    const preview = await supertest(t.app).post('/api/templates/preview').send({ channel: 'sms', body: '{{code}}', variables: { code: '1' } });
    const create = await supertest(t.app).post('/api/templates').send({ name: 'x', channel: 'sms', body: '你好' });

    expect([list.status, preview.status, create.status]).toEqual([401, 401, 401]);
    expect(await templateCount()).toBe(before);
  });

  it('when a page on another site makes a signed-in browser create a template, then it is refused with 403 and nothing is written', async () => {
    const before = await templateCount();

    const response = await supertest(t.app).post('/api/templates').set('Cookie', t.cookies.staff)
      .set('Origin', 'https://evil.example').send({ name: '跨站', channel: 'sms', body: '你好' });

    expect(response.status).toBe(403);
    expect(await templateCount()).toBe(before);
  });

  it('when a template body past 20,000 characters is sent, then it is refused with 400 naming the body and nothing is written', async () => {
    const before = await templateCount();

    const response = await supertest(t.app).post('/api/templates').set('Cookie', t.cookies.staff)
      .send({ name: '超长', channel: 'sms', body: '长'.repeat(20_001) });

    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.details)).toContain('body');
    expect(await templateCount()).toBe(before);
  });
});
