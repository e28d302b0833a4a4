import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { AlertRule, SendAccepted, Template } from '../src/contract.ts';
import { alertTemplate } from './alert-fixtures.ts';
import { batchRows, createTemplateThroughApi } from './send-test-helpers.ts';

// 23:00 Beijing time: inside the default quiet hours (21:30–08:00, sms / wecom_app / wechat_oa, bypass 9)
let clock = new Date('2026-12-07T15:00:00Z');
const t = useTestApp('dispatcher', dispatcherConfigShape, (context) => createDispatcherApp(context, { now: () => clock }), { roles: ['viewer', 'staff'] });

const as = (role: 'viewer' | 'staff') => ({
  get: (url: string) => supertest(t.app).get(url).set('Cookie', t.cookies[role]),
  post: (url: string, body: object) => supertest(t.app).post(url).set('Cookie', t.cookies[role]).send(body),
  put: (url: string, body: object) => supertest(t.app).put(url).set('Cookie', t.cookies[role]).send(body),
});
const staff = as('staff');
const send = (templateId: number, priority = 5) => staff.post('/api/messages/send', { template_id: templateId, recipient: '13800138000', priority });
const NEVER = { enabled: false };
const EVENING = { enabled: true, start: '20:00', end: '07:30', bypassPriority: 10 };

describe('quiet hours of a template and of an alert rule', () => {
  it('when staff give a template its own quiet hours, then a viewer reads them, the change is audited, and a change without the field keeps them', async () => {
    const template = await createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'wecom_robot', body: '值班提醒', quietHours: EVENING });
    expect(template.quietHours).toEqual(EVENING);
    expect(((await as('viewer').get(`/api/templates/${template.id}`)).body as Template).quietHours).toEqual(EVENING);

    const kept = await staff.put(`/api/templates/${template.id}`, { name: template.name, channel: 'wecom_robot', body: '值班提醒（改）' });
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    expect((kept.body as Template).quietHours).toEqual(EVENING);
    const cleared = await staff.put(`/api/templates/${template.id}`, { name: template.name, channel: 'wecom_robot', body: '值班提醒', quietHours: null });
    expect((cleared.body as Template).quietHours).toBeNull();

    const { rows } = await t.context.pool.query(
      "SELECT details FROM auth.audit_log WHERE action = 'dispatcher.template.update' AND target_id = $1 ORDER BY id", [String(template.id)]);
    expect(rows.map((row) => [row.details.before.quietHours, row.details.after.quietHours])).toEqual([[EVENING, EVENING], [EVENING, null]]);
  });

  it('when a template\'s quiet hours are malformed, then the answer is 400 naming the field and nothing is written', async () => {
    const name = `坏的免打扰-${Date.now()}`;
    const badTime = await staff.post('/api/templates', { name, channel: 'sms', body: 'x', quietHours: { enabled: true, start: '24:00', end: '08:00', bypassPriority: 9 } });
    const badPriority = await staff.post('/api/templates', { name, channel: 'sms', body: 'x', quietHours: { enabled: true, start: '21:00', end: '08:00', bypassPriority: 11 } });
    const stray = await staff.post('/api/templates', { name, channel: 'sms', body: 'x', quietHours: { enabled: false, start: '21:00' } });

    expect(badTime.status).toBe(400);
    expect(badTime.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'quietHours.start' })]));
    expect(badPriority.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'quietHours.bypassPriority' })]));
    expect(stray.status).toBe(400);
    const { rows } = await t.context.pool.query('SELECT 1 FROM dispatch.templates WHERE name = $1', [name]);
    expect(rows).toEqual([]);
  });

  it('when an SMS template is never quiet, then its send at 23:00 is queued, while a template on the global hours is held to 08:00', async () => {
    const never = await createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'sms', body: '验证码 {{code}}', quietHours: NEVER });
    const global = await createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'sms', body: '上课提醒' });
    clock = new Date('2026-12-07T15:00:00Z');

    const now = await staff.post('/api/messages/send', { template_id: never.id, recipient: '13800138000', variables: { code: '1234' } });
    const held = await send(global.id);

    expect(now.body).toMatchObject({ queued: 1, held: 0, holdReason: null });
    expect(held.body).toMatchObject({ queued: 0, held: 1, holdReason: 'quiet_hours', dueAt: '2026-12-08T00:00:00.000Z' });
  });

  it('when a robot template (not a quiet channel globally) has its own hours, then a send inside them is held to their end unless its priority passes them', async () => {
    const template = await createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'wecom_robot', body: '晚间汇总', quietHours: { ...EVENING, bypassPriority: 9 } });
    clock = new Date('2026-12-07T13:00:00Z'); // 21:00 Beijing

    const held = await send(template.id, 5);
    const urgent = await send(template.id, 9);

    expect(held.body).toMatchObject({ held: 1, holdReason: 'quiet_hours', dueAt: '2026-12-07T23:30:00.000Z' });
    const { traces, outbox } = await batchRows(t.context.pool, (held.body as SendAccepted).batchId);
    expect(traces[0]).toMatchObject({ stage: 'held', detail: { reason: 'quiet_hours', dueAt: '2026-12-07T23:30:00.000Z' } });
    expect(outbox).toEqual([]);
    expect(urgent.body).toMatchObject({ queued: 1, held: 0 });
  });

  it('when an alert rule gets its own quiet hours, then they are stored, read with the template\'s, and kept by a change that omits them', async () => {
    const templateId = await alertTemplate(t.context.pool);
    const body = { name: `校长群-${Date.now()}`, kind: null, templateId, recipients: ['校长群'], quietHours: NEVER };

    const created = await staff.post('/api/alert-rules', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ quietHours: NEVER, templateQuietHours: null });
    const { quietHours: _omitted, ...withoutHours } = body;
    const changed = await staff.put(`/api/alert-rules/${(created.body as AlertRule).id}`, { ...withoutHours, priority: 5 });
    expect(changed.body).toMatchObject({ priority: 5, quietHours: NEVER });
    const bad = await staff.put(`/api/alert-rules/${(created.body as AlertRule).id}`, { ...body, quietHours: { enabled: true, start: '9:00', end: '10:00', bypassPriority: 9 } });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'quietHours.start' })]));
  });
});
