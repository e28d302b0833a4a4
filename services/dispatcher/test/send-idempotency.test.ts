import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { uniqueSuffix, useTestApp } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { SendAccepted, Template } from '../src/contract.ts';
import { requestHash } from '../src/domain/idempotent-request.ts';
import { BEIJING_NOON, countMessagesOf, createTemplateThroughApi } from './send-test-helpers.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, (context) => createDispatcherApp(context, { now: () => BEIJING_NOON }), { roles: ['staff', 'admin'] });

type Role = 'staff' | 'admin';
const send = (role: Role, key: string, body: object, path = '/api/messages/send-batch') =>
  supertest(t.app).post(path).set('Cookie', t.cookies[role]).set('Idempotency-Key', key).send(body);
let template: Template;
const batch = (recipients: string[]) => ({ template_id: template.id, recipients, variables: { name: '家长' }, priority: 5 });
const key = () => `key-${uniqueSuffix()}`;

describe('send API with an Idempotency-Key', () => {
  it('when the same key and body are sent again, then the stored answer comes back (same status and body) and nothing is written twice', async () => {
    template = await createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'sms', body: '{{name}}您好' });
    const before = await countMessagesOf(t.context.pool, t.users.staff.id);
    const k = key();

    const first = await send('staff', k, batch(['13800000001', '13800000002']));
    // the same request with its fields in another order is the same request
    const again = await send('staff', k, { priority: 5, variables: { name: '家长' }, recipients: ['13800000001', '13800000002'], template_id: template.id });

    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(await countMessagesOf(t.context.pool, t.users.staff.id)).toBe(before + 2);
  });

  it('when the key is reused with another body or on the other route, then 422 and nothing is written', async () => {
    const k = key();
    await send('staff', k, batch(['13800000003']));
    const before = await countMessagesOf(t.context.pool, t.users.staff.id);

    const otherBody = await send('staff', k, batch(['13800000004']));
    const otherRoute = await send('staff', k, { template_id: template.id, recipient: '13800000003', variables: { name: '家长' } }, '/api/messages/send');

    expect([otherBody.status, otherRoute.status]).toEqual([422, 422]);
    expect(otherBody.body.details).toEqual([{ field: 'Idempotency-Key', message: 'key reused with a different request' }]);
    expect(await countMessagesOf(t.context.pool, t.users.staff.id)).toBe(before);
  });

  it('when 10 identical requests race with one key, then exactly one batch is written and the others answer 409 or the stored answer', async () => {
    const k = key();
    const before = await countMessagesOf(t.context.pool, t.users.staff.id);

    const responses = await Promise.all(Array.from({ length: 10 }, () => send('staff', k, batch(['13800000005', '13800000006', '13800000007']))));

    const accepted = responses.filter((response) => response.status === 202);
    const inFlight = responses.filter((response) => response.status === 409);
    expect(accepted.length + inFlight.length).toBe(10);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((response) => (response.body as SendAccepted).batchId)).size).toBe(1);
    for (const response of inFlight) expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await countMessagesOf(t.context.pool, t.users.staff.id)).toBe(before + 3);
  });

  it('when another user sends with the same key, then the keys do not collide and each user gets their own batch', async () => {
    const k = key();
    const body = batch(['13800000008']);

    const staff = await send('staff', k, body);
    const admin = await send('admin', k, body);

    expect([staff.status, admin.status]).toEqual([202, 202]);
    expect(admin.body.batchId).not.toBe(staff.body.batchId);
    expect(await countMessagesOf(t.context.pool, t.users.admin.id)).toBe(1);
  });

  it('when the same request is still in flight, then 409 with Retry-After; once its claim has expired (its process died), a retry takes it over and writes once', async () => {
    const k = key();
    const body = batch(['13800000009']);
    const claim = (lockedUntil: string) => t.context.pool.query(
      `INSERT INTO dispatch.idempotency_keys (owner_id, key, request_method, request_path, request_hash, state, locked_until, claim_token)
       VALUES ($1, $2, 'POST', '/api/messages/send-batch', $3, 'in_flight', now() + $4::interval, gen_random_uuid())
       ON CONFLICT (owner_id, key) DO UPDATE SET locked_until = EXCLUDED.locked_until`, [t.users.staff.id, k, requestHash(body), lockedUntil]);
    const before = await countMessagesOf(t.context.pool, t.users.staff.id);

    await claim('20 seconds');
    const busy = await send('staff', k, body);
    await claim('-1 second');
    const takenOver = await send('staff', k, body);
    const replay = await send('staff', k, body);

    expect(busy.status).toBe(409);
    expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(19);
    expect(takenOver.status, JSON.stringify(takenOver.body)).toBe(202);
    expect(replay.body).toEqual(takenOver.body);
    expect(await countMessagesOf(t.context.pool, t.users.staff.id)).toBe(before + 1);
  });

  it('when the Idempotency-Key is longer than 255 characters or holds a space, then 400 names the header and nothing is written', async () => {
    const before = await countMessagesOf(t.context.pool, t.users.staff.id);

    const long = await send('staff', 'k'.repeat(256), batch(['13800000011']));
    const spaced = await send('staff', 'a key', batch(['13800000011']));

    expect([long.status, spaced.status]).toEqual([400, 400]);
    expect(long.body.details[0].field).toBe('Idempotency-Key');
    expect(await countMessagesOf(t.context.pool, t.users.staff.id)).toBe(before);
  });

  it('when a keyed request is refused (a value missing), then the same request gets the same 400 again and nothing is written', async () => {
    const k = key();
    const body = { template_id: template.id, recipients: ['13800000010'], priority: 5 };

    const first = await send('staff', k, body);
    const again = await send('staff', k, body);

    expect(first.status).toBe(400);
    expect(again.status).toBe(400);
    expect(again.body).toEqual(first.body);
    expect(first.body.details).toEqual([{ field: 'recipients.0.variables.name', message: '缺少变量 name' }]);
  });
});
