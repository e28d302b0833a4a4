import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { Template } from '../src/contract.ts';
import { BEIJING_NOON, createTemplateThroughApi } from './send-test-helpers.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, (context) => createDispatcherApp(context, { now: () => BEIJING_NOON }), { roles: ['staff', 'viewer'] });

const messageCount = async () => (await t.context.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dispatch.messages')).rows[0]!.n;
let template: Template;
const single = () => ({ template_id: template.id, recipient: '13800138000' });
const batch = (recipients: string[]) => ({ template_id: template.id, recipients });

describe('send API against a hostile caller', () => {
  it('when someone signed out sends one message or a batch, then each is refused with 401 and nothing is written', async () => {
    template = await createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'sms', body: '你好' });
    const before = await messageCount();

    const one = await supertest(t.app).post('/api/messages/send').send(single());
    const many = await supertest(t.app).post('/api/messages/send-batch').send(batch(['13800138000']));

    expect([one.status, many.status]).toEqual([401, 401]);
    expect(await messageCount()).toBe(before);
  });

  it('when a viewer sends, then each route answers 403 and nothing is written', async () => {
    const before = await messageCount();

    const one = await supertest(t.app).post('/api/messages/send').set('Cookie', t.cookies.viewer).send(single());
    const many = await supertest(t.app).post('/api/messages/send-batch').set('Cookie', t.cookies.viewer).send(batch(['13800138000']));

    expect([one.status, many.status]).toEqual([403, 403]);
    expect(await messageCount()).toBe(before);
  });

  it('when a page on another site makes a signed-in browser send a batch, then it is refused with 403 and nothing is written', async () => {
    const before = await messageCount();

    const response = await supertest(t.app).post('/api/messages/send-batch').set('Cookie', t.cookies.staff)
      .set('Origin', 'https://evil.example').send(batch(['13800138000']));

    expect(response.status).toBe(403);
    expect(await messageCount()).toBe(before);
  });

  it('when a batch holds 10,001 recipients, then it is refused with 400 naming recipients and the limit, and nothing is written', async () => {
    const before = await messageCount();

    const response = await supertest(t.app).post('/api/messages/send-batch').set('Cookie', t.cookies.staff)
      .send(batch(Array.from({ length: 10_001 }, (_, index) => `139${String(index).padStart(8, '0')}`)));

    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([expect.objectContaining({ field: 'recipients', message: expect.stringContaining('10000') })]);
    expect(await messageCount()).toBe(before);
  });

  it('when a batch body is past 10 MB, or a single send past 1 MB, then 413 says the limit and nothing is written', async () => {
    const before = await messageCount();
    const padding = 'x'.repeat(1_000);

    const huge = await supertest(t.app).post('/api/messages/send-batch').set('Cookie', t.cookies.staff).set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...batch(['13800138000']), variables: Object.fromEntries(Array.from({ length: 11_000 }, (_, index) => [`v${index}`, padding])) }));
    const big = await supertest(t.app).post('/api/messages/send').set('Cookie', t.cookies.staff).set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...single(), variables: Object.fromEntries(Array.from({ length: 1_100 }, (_, index) => [`v${index}`, padding])) }));

    expect(huge.status).toBe(413);
    expect(huge.body.message).toContain('10mb');
    expect(big.status).toBe(413);
    expect(big.body.message).toContain('1mb');
    expect(await messageCount()).toBe(before);
  });
});
