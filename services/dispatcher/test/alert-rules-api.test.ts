import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { systemActor } from '@doitcrm/kit';
import { useTestApp } from '@doitcrm/kit/testing';
import type { AlertRule, AlertRuleList } from '../src/contract.ts';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import { createTemplate } from '../src/domain/manage-templates.ts';
import { alertTemplate } from './alert-fixtures.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, createDispatcherApp, { roles: ['viewer', 'staff'] });

const as = (role: 'viewer' | 'staff') => ({
  get: (url: string) => supertest(t.app).get(url).set('Cookie', t.cookies[role]),
  post: (url: string, body: object) => supertest(t.app).post(url).set('Cookie', t.cookies[role]).send(body),
  put: (url: string, body: object) => supertest(t.app).put(url).set('Cookie', t.cookies[role]).send(body),
  delete: (url: string) => supertest(t.app).delete(url).set('Cookie', t.cookies[role]),
});
let counter = 0;
const ruleBody = (templateId: number, overrides: object = {}) => ({
  name: `需关注班级-${++counter}-${Date.now()}`, kind: 'silent_parent', minSeverity: 'warning', classId: null, templateId, recipients: ['校长群'], ...overrides,
});
const audit = async (action: string, id: number) => (await t.context.pool.query(
  'SELECT username, details FROM auth.audit_log WHERE action = $1 AND target_id = $2', [action, String(id)])).rows;

describe('alert rules API', () => {
  it('when staff create, change and delete a rule, then a viewer reads it, and each write is audited under the staff member', async () => {
    const templateId = await alertTemplate(t.context.pool);

    const created = await as('staff').post('/api/alert-rules', ruleBody(templateId));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const rule = created.body as AlertRule;
    expect(rule).toMatchObject({ kind: 'silent_parent', minSeverity: 'warning', classId: null, templateId, channel: 'wecom_robot', recipients: ['校长群'], priority: 7, active: true });
    expect((await as('viewer').get(`/api/alert-rules/${rule.id}`)).body).toEqual(rule);
    expect(((await as('viewer').get('/api/alert-rules')).body as AlertRuleList).items.map((r) => r.id)).toContain(rule.id);

    const changed = await as('staff').put(`/api/alert-rules/${rule.id}`, { ...ruleBody(templateId), name: rule.name, kind: null, minSeverity: 'critical', active: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ kind: null, minSeverity: 'critical', active: false });
    expect((await as('staff').delete(`/api/alert-rules/${rule.id}`)).status).toBe(204);
    expect((await as('viewer').get(`/api/alert-rules/${rule.id}`)).status).toBe(404);

    const staff = t.users.staff.username;
    expect(await audit('dispatcher.alert-rule.create', rule.id)).toEqual([{ username: staff, details: expect.objectContaining({ name: rule.name, recipients: ['校长群'] }) }]);
    expect(await audit('dispatcher.alert-rule.update', rule.id)).toEqual([{ username: staff, details: expect.objectContaining({ before: expect.objectContaining({ minSeverity: 'warning' }), after: expect.objectContaining({ minSeverity: 'critical' }) }) }]);
    expect(await audit('dispatcher.alert-rule.delete', rule.id)).toHaveLength(1);
  });

  it('when a viewer tries to create, change or delete a rule, then each is refused with 403 and nothing changes', async () => {
    const templateId = await alertTemplate(t.context.pool);
    const rule = (await as('staff').post('/api/alert-rules', ruleBody(templateId))).body as AlertRule;

    expect((await as('viewer').post('/api/alert-rules', ruleBody(templateId))).status).toBe(403);
    expect((await as('viewer').put(`/api/alert-rules/${rule.id}`, ruleBody(templateId))).status).toBe(403);
    expect((await as('viewer').delete(`/api/alert-rules/${rule.id}`)).status).toBe(403);
    expect((await as('viewer').get(`/api/alert-rules/${rule.id}`)).body).toEqual(rule);
    expect((await supertest(t.app).get('/api/alert-rules')).status).toBe(401);
  });

  it('when a page on another site makes a signed-in browser create or delete a rule, then it is refused with 403 and nothing changes', async () => {
    const templateId = await alertTemplate(t.context.pool);
    const rule = (await as('staff').post('/api/alert-rules', ruleBody(templateId))).body as AlertRule;
    const before = (await t.context.pool.query('SELECT count(*)::int AS n FROM dispatch.alert_rules')).rows[0].n;

    const create = await supertest(t.app).post('/api/alert-rules').set('Cookie', t.cookies.staff).set('Origin', 'https://evil.example').send(ruleBody(templateId));
    const remove = await supertest(t.app).delete(`/api/alert-rules/${rule.id}`).set('Cookie', t.cookies.staff).set('Origin', 'https://evil.example');

    expect([create.status, remove.status]).toEqual([403, 403]);
    expect((await t.context.pool.query('SELECT count(*)::int AS n FROM dispatch.alert_rules')).rows[0].n).toBe(before);
  });

  it('when a rule is invalid, then 400 names the field and nothing is written', async () => {
    const templateId = await alertTemplate(t.context.pool);
    const orderTemplate = await createTemplate(t.context.pool, systemActor('test'), { name: `订单-${Date.now()}`, channel: 'sms', body: '订单{{order_no}}已发货' });
    const before = (await t.context.pool.query('SELECT count(*)::int AS n FROM dispatch.alert_rules')).rows[0].n;

    const cases: Array<[object, string]> = [
      [ruleBody(templateId, { recipients: [] }), 'recipients'],
      [ruleBody(templateId, { minSeverity: 'panic' }), 'minSeverity'],
      [ruleBody(templateId, { kind: 'weather' }), 'kind'],
      [ruleBody(templateId, { priority: 11 }), 'priority'],
      [ruleBody(987_654_321), 'templateId'],
      [ruleBody(orderTemplate.id), 'templateId'],
    ];
    for (const [body, field] of cases) {
      const response = await as('staff').post('/api/alert-rules', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const unknownVariable = await as('staff').post('/api/alert-rules', ruleBody(orderTemplate.id));
    expect(unknownVariable.body.message).toContain('order_no');
    expect((await t.context.pool.query('SELECT count(*)::int AS n FROM dispatch.alert_rules')).rows[0].n).toBe(before);
  });
});
