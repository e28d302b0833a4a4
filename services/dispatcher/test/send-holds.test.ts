import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { SendAccepted, Template } from '../src/contract.ts';
import { batchRows, createTemplateThroughApi } from './send-test-helpers.ts';

// the clock the app reads: each test sets the Beijing time it sends at (the defaults hold sms 21:30–08:00, bypass 9)
let clock = new Date('2026-12-07T04:00:00Z');
const t = useTestApp('dispatcher', dispatcherConfigShape, (context) => createDispatcherApp(context, { now: () => clock }), { roles: ['staff'] });

const send = (body: object) => supertest(t.app).post('/api/messages/send').set('Cookie', t.cookies.staff).send(body);
let sms: Template;
let email: Template;

describe('send API holds (send_at, quiet hours)', () => {
  it('when send_at is two hours ahead at noon, then the message is pending until send_at with a held trace and no outbox row', async () => {
    sms = await createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'sms', body: '上课提醒' });
    email = await createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'email', subject: '提醒', body: '<p>上课提醒</p>' });
    clock = new Date('2026-12-07T04:00:00Z');

    const response = await send({ template_id: sms.id, recipient: '13800138000', send_at: '2026-12-07T14:00:00+08:00' });

    expect(response.status, JSON.stringify(response.body)).toBe(202);
    expect(response.body).toMatchObject({ queued: 0, held: 1, holdReason: 'send_at', dueAt: '2026-12-07T06:00:00.000Z' });
    const { messages, outbox, traces } = await batchRows(t.context.pool, (response.body as SendAccepted).batchId);
    expect(messages).toEqual([expect.objectContaining({ status: 'pending', dueAt: '2026-12-07T06:00:00+00:00' })]);
    expect(outbox).toEqual([]);
    expect(traces).toEqual([expect.objectContaining({ stage: 'held', detail: expect.objectContaining({ reason: 'send_at', dueAt: '2026-12-07T06:00:00.000Z' }) })]);
  });

  it('when an SMS of priority 5 is sent at 22:00 Beijing time, then it is held until 08:00 the next morning', async () => {
    clock = new Date('2026-12-07T14:00:00Z');

    const response = await send({ template_id: sms.id, recipient: '13800138000', priority: 5 });

    expect(response.body).toMatchObject({ queued: 0, held: 1, holdReason: 'quiet_hours', dueAt: '2026-12-08T00:00:00.000Z' });
    const { traces, outbox } = await batchRows(t.context.pool, (response.body as SendAccepted).batchId);
    expect(traces[0]).toMatchObject({ stage: 'held', detail: { reason: 'quiet_hours' } });
    expect(outbox).toEqual([]);
  });

  it('when an SMS is sent at 07:59 Beijing time, then it is held the one minute to 08:00 the same morning', async () => {
    clock = new Date('2026-12-07T23:59:00Z');

    const response = await send({ template_id: sms.id, recipient: '13800138000', priority: 5 });

    expect(response.body).toMatchObject({ holdReason: 'quiet_hours', dueAt: '2026-12-08T00:00:00.000Z' });
  });

  it('when an urgent SMS (priority 9) or an e-mail (not a quiet channel) is sent at 22:00, then it is queued at once', async () => {
    clock = new Date('2026-12-07T14:00:00Z');

    const urgent = await send({ template_id: sms.id, recipient: '13800138000', priority: 9 });
    const mail = await send({ template_id: email.id, recipient: 'parent@example.com', priority: 5 });

    expect(urgent.body).toMatchObject({ queued: 1, held: 0, holdReason: null });
    expect(mail.body).toMatchObject({ queued: 1, held: 0 });
    const { outbox } = await batchRows(t.context.pool, (urgent.body as SendAccepted).batchId);
    expect(outbox).toEqual([expect.objectContaining({ routingKey: 'sms.t3', tier: 3 })]);
  });

  it('when send_at falls inside the quiet hours, then the message waits for their end, not just for send_at', async () => {
    clock = new Date('2026-12-07T04:00:00Z');

    const response = await send({ template_id: sms.id, recipient: '13800138000', send_at: '2026-12-07T23:00:00+08:00' });

    expect(response.body).toMatchObject({ holdReason: 'quiet_hours', dueAt: '2026-12-08T00:00:00.000Z' });
  });
});
