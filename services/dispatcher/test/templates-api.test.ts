import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp, waitFor } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { Template, TemplateList } from '../src/contract.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, createDispatcherApp, { roles: ['viewer', 'staff'] });

const as = (role: 'viewer' | 'staff') => ({
  get: (url: string) => supertest(t.app).get(url).set('Cookie', t.cookies[role]),
  post: (url: string, body: object = {}) => supertest(t.app).post(url).set('Cookie', t.cookies[role]).send(body),
  put: (url: string, body: object) => supertest(t.app).put(url).set('Cookie', t.cookies[role]).send(body),
  delete: (url: string) => supertest(t.app).delete(url).set('Cookie', t.cookies[role]),
});
const staff = as('staff');
let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}-${Date.now()}`;

async function create(body: Record<string, unknown>): Promise<Template> {
  const response = await staff.post('/api/templates', { name: uniqueName('模板'), ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as Template;
}

describe('templates API', () => {
  it('when staff create an SMS template, then its variables are derived from the body, a viewer reads it, and the audit row names the staff member', async () => {
    const created = await create({ channel: 'sms', body: '{{customer_name}} 您好，订单 {{order_no}} 已发货', sampleVariables: { order_no: '202401010001' } });

    expect(created).toMatchObject({ channel: 'sms', variables: ['customer_name', 'order_no'], active: true, sampleVariables: { order_no: '202401010001' } });
    const read = await as('viewer').get(`/api/templates/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created);
    const list = await as('viewer').get('/api/templates?channel=sms');
    expect((list.body as TemplateList).items.map((item) => item.id)).toContain(created.id);
    const { rows } = await t.context.pool.query(
      "SELECT username, details FROM auth.audit_log WHERE action = 'dispatcher.template.create' AND target_id = $1", [String(created.id)]);
    expect(rows).toEqual([{ username: t.users.staff.username, details: expect.objectContaining({ variables: ['customer_name', 'order_no'] }) }]);
  });

  it('when a viewer tries to create, change, deactivate or delete a template, then each is refused with 403 and nothing changes', async () => {
    const template = await create({ channel: 'sms', body: '你好 {{name}}' });
    const viewer = as('viewer');
    const body = { name: uniqueName('v'), channel: 'sms', body: 'x' };

    expect((await viewer.post('/api/templates', body)).status).toBe(403);
    expect((await viewer.put(`/api/templates/${template.id}`, body)).status).toBe(403);
    expect((await viewer.post(`/api/templates/${template.id}/deactivate`)).status).toBe(403);
    expect((await viewer.delete(`/api/templates/${template.id}`)).status).toBe(403);
    expect((await viewer.get(`/api/templates/${template.id}`)).body).toEqual(template);
  });

  it('when a template is previewed without a value its body uses, then the answer is 400 naming that variable', async () => {
    const template = await create({ channel: 'email', subject: '订单 {{order_no}}', body: '<p>{{customer_name}}，订单 {{order_no}}</p>' });

    const response = await as('viewer').post(`/api/templates/${template.id}/preview`, { variables: { order_no: 'A1' } });

    expect(response.status).toBe(400);
    expect(response.body.message).toBe('缺少变量：customer_name');
    expect(response.body.details).toEqual([{ field: 'variables.customer_name', message: '缺少变量 customer_name' }]);
  });

  it('when an e-mail template is previewed with markup in a value, then the body holds it escaped and the subject as typed', async () => {
    const template = await create({ channel: 'email', subject: '订单 {{order_no}}', body: '<p>{{customer_name}}</p>', sampleVariables: { order_no: 'A<1>', customer_name: '<script>x</script>' } });

    const response = await as('viewer').post(`/api/templates/${template.id}/preview`, {});

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ channel: 'email', variables: ['order_no', 'customer_name'], subject: '订单 A<1>', body: '<p>&lt;script&gt;x&lt;/script&gt;</p>' });
  });

  it('when unsaved robot text is previewed, then values are markdown-escaped and its variables listed', async () => {
    const response = await as('viewer').post('/api/templates/preview', { channel: 'wecom_robot', body: '**告警** {{class_name}}：{{reason}}', variables: { class_name: '三年级*1班', reason: '[沉默](x)' } });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ channel: 'wecom_robot', variables: ['class_name', 'reason'], body: '**告警** 三年级\\*1班：\\[沉默\\]\\(x\\)' });
  });

  it('when sample values name a variable the text does not use, or the text uses triple braces, then the template is refused naming it', async () => {
    const typo = await staff.post('/api/templates', { name: uniqueName('t'), channel: 'sms', body: '订单 {{order_no}}', sampleVariables: { orderno: '1' } });
    expect(typo.status).toBe(400);
    expect(typo.body.message).toBe('模板中没有这些变量：orderno');
    const raw = await staff.post('/api/templates', { name: uniqueName('t'), channel: 'email', subject: 's', body: '{{{html}}}' });
    expect(raw.status).toBe(400);
    expect(raw.body.message).toContain('{{{html}}}');
    const noSubject = await staff.post('/api/templates', { name: uniqueName('t'), channel: 'email', body: 'x' });
    expect(noSubject.status).toBe(400);
    const noUrl = await staff.post('/api/templates', { name: uniqueName('t'), channel: 'app_webhook', body: 'x' });
    expect(noUrl.status).toBe(400);
  });

  it('when two templates get the same name in another case, then the second is refused with 409', async () => {
    const name = uniqueName('Dup');
    await create({ name, channel: 'sms', body: 'x' });
    const second = await staff.post('/api/templates', { name: name.toLowerCase(), channel: 'email', subject: 's', body: 'y' });
    expect(second.status).toBe(409);
  });

  it('when another writer commits the same name while a create waits on it, then the create answers 409, never 500', async () => {
    const name = uniqueName('并发');
    const other = await t.context.pool.connect();
    try {
      // the other writer's row is not committed yet: the create's name check sees nothing and its insert waits on the index
      await other.query('BEGIN');
      await other.query("INSERT INTO dispatch.templates (name, channel, body) VALUES ($1, 'sms', 'x')", [name]);
      const answer = staff.post('/api/templates', { name, channel: 'sms', body: '{{x}}' }).then((response) => response);
      await waitFor('the create to wait on the other writer', async () => (await t.context.pool.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO dispatch.templates%'")).rows[0].n > 0);
      await other.query('COMMIT');
      expect((await answer).status).toBe(409);
    } finally {
      other.release();
    }
  });

  it('when a fallback needs a variable the primary lacks, or is on the same channel, then it is refused; a fitting one is kept with its channel', async () => {
    const sms = await create({ channel: 'sms', body: '{{name}} 的订单 {{order_no}}' });
    const sameChannel = await staff.post('/api/templates', { name: uniqueName('p'), channel: 'sms', body: '{{name}} {{order_no}}', fallbackTemplateId: sms.id });
    expect(sameChannel.status).toBe(400);
    const lacking = await staff.post('/api/templates', { name: uniqueName('p'), channel: 'wecom_app', body: '{{name}}', fallbackTemplateId: sms.id });
    expect(lacking.status).toBe(400);
    expect(lacking.body.message).toContain('order_no');

    const primary = await create({ channel: 'wecom_app', body: '{{name}}：订单 {{order_no}} {{extra}}', fallbackTemplateId: sms.id });
    expect(primary).toMatchObject({ fallbackTemplateId: sms.id, fallbackChannel: 'sms' });

    // the fallback may not start needing a variable its primary lacks
    const widened = await staff.put(`/api/templates/${sms.id}`, { name: sms.name, channel: 'sms', body: '{{name}} {{order_no}} {{coupon}}' });
    expect(widened.status).toBe(400);
    expect(widened.body.message).toContain('coupon');
  });

  it('when a template is deactivated and activated, then each change is audited and the template says so', async () => {
    const template = await create({ channel: 'feishu_bot', body: '{{x}}' });

    const off = await staff.post(`/api/templates/${template.id}/deactivate`);
    expect(off.body.active).toBe(false);
    expect((await as('viewer').get('/api/templates?active=false')).body.items.map((item: Template) => item.id)).toContain(template.id);
    const on = await staff.post(`/api/templates/${template.id}/activate`);
    expect(on.body.active).toBe(true);
    const { rows } = await t.context.pool.query('SELECT action FROM auth.audit_log WHERE target_type = $1 AND target_id = $2 ORDER BY id', ['template', String(template.id)]);
    expect(rows.map((row) => row.action)).toEqual(['dispatcher.template.create', 'dispatcher.template.deactivate', 'dispatcher.template.activate']);
  });

  it('when a template was sent with, then deleting it is refused with 409; an unused one is deleted', async () => {
    const used = await create({ channel: 'sms', body: 'x' });
    await t.context.pool.query(
      "INSERT INTO dispatch.messages (batch_id, trace_id, template_id, channel, recipient) VALUES (gen_random_uuid(), gen_random_uuid(), $1, 'sms', '13800138000')", [used.id]);
    expect((await staff.delete(`/api/templates/${used.id}`)).status).toBe(409);

    const unused = await create({ channel: 'sms', body: 'y' });
    expect((await staff.delete(`/api/templates/${unused.id}`)).status).toBe(204);
    expect((await staff.get(`/api/templates/${unused.id}`)).status).toBe(404);
  });

  it('when a template is replaced, then its variables follow the new text and the audit row holds before and after', async () => {
    const template = await create({ channel: 'app_webhook', body: '{{a}}', webhookUrl: 'https://app.example/hook', webhookSecretRef: 'APP_WEBHOOK_SECRET' });

    const response = await staff.put(`/api/templates/${template.id}`, { name: template.name, channel: 'app_webhook', body: '{{b}} {{c}}', webhookUrl: 'https://app.example/hook2' });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ variables: ['b', 'c'], webhookUrl: 'https://app.example/hook2', webhookSecretRef: null });
    const { rows } = await t.context.pool.query("SELECT details FROM auth.audit_log WHERE action = 'dispatcher.template.update' AND target_id = $1", [String(template.id)]);
    expect(rows[0].details).toMatchObject({ before: { body: '{{a}}' }, after: { body: '{{b}} {{c}}', variables: ['b', 'c'] } });
  });
});
