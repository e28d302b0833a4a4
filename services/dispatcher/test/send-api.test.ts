import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { SendAccepted, Template } from '../src/contract.ts';
import { BEIJING_NOON, batchRows, createTemplateThroughApi } from './send-test-helpers.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, (context) => createDispatcherApp(context, { now: () => BEIJING_NOON }), { roles: ['staff'] });

const post = (path: string, body: object) => supertest(t.app).post(path).set('Cookie', t.cookies.staff).send(body);
const smsTemplate = () => createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'sms', body: '{{customer_name}}您好，订单{{order_no}}已发货' });

describe('send API', () => {
  it('when staff send one SMS, then 202 names its trace id and the message, its outbox row and its queued trace are written', async () => {
    const template = await smsTemplate();

    const response = await post('/api/messages/send', { template_id: template.id, recipient: '13800138000', variables: { customer_name: '张三', order_no: 'A1' }, priority: 8 });

    expect(response.status, JSON.stringify(response.body)).toBe(202);
    const accepted = response.body as SendAccepted;
    expect(accepted).toMatchObject({ queued: 1, held: 0, holdReason: null, dueAt: null, traceId: accepted.traceIds[0] });
    const { messages, outbox, traces } = await batchRows(t.context.pool, accepted.batchId);
    expect(messages).toEqual([expect.objectContaining({ traceId: accepted.traceId, recipient: '13800138000', status: 'queued', priority: 8, channel: 'sms', variables: { customer_name: '张三', order_no: 'A1' } })]);
    expect(outbox).toEqual([{ messageId: messages[0]!.id, routingKey: 'sms.t2', tier: 2, attempt: 0 }]);
    expect(traces).toEqual([{ messageId: messages[0]!.id, stage: 'queued', detail: { priority: 8, tier: 2, batchId: accepted.batchId } }]);
    const audit = await t.context.pool.query("SELECT username, details FROM auth.audit_log WHERE action = 'dispatcher.message.send' AND target_id = $1", [accepted.batchId]);
    expect(audit.rows).toEqual([{ username: t.users.staff.username, details: { templateId: template.id, recipients: 1, priority: 8, held: null } }]);
  });

  it('when a batch mixes plain addresses and recipients with their own values, then trace ids come back in recipient order and own values override shared ones', async () => {
    const template = await smsTemplate();
    const recipients = ['13800000001', { recipient: '13800000002', variables: { order_no: 'B2' } }, '+8613800000003'];

    const response = await post('/api/messages/send-batch', { template_id: template.id, recipients, variables: { customer_name: '家长', order_no: 'B0' }, priority: 1 });

    expect(response.status, JSON.stringify(response.body)).toBe(202);
    const accepted = response.body as SendAccepted;
    expect(accepted).toMatchObject({ queued: 3, held: 0 });
    expect(accepted.traceIds).toHaveLength(3);
    const { messages, outbox, traces } = await batchRows(t.context.pool, accepted.batchId);
    const byTrace = new Map(messages.map((message) => [message.traceId, message]));
    expect(accepted.traceIds.map((traceId) => byTrace.get(traceId)?.recipient)).toEqual(['13800000001', '13800000002', '+8613800000003']);
    expect(byTrace.get(accepted.traceIds[1])?.variables).toEqual({ customer_name: '家长', order_no: 'B2' });
    expect(byTrace.get(accepted.traceIds[0])?.variables).toEqual({ customer_name: '家长', order_no: 'B0' });
    expect(outbox.map((row) => row.routingKey)).toEqual(['sms.t0', 'sms.t0', 'sms.t0']);
    expect(traces.map((row) => row.stage)).toEqual(['queued', 'queued', 'queued']);
  });

  it('when 10,000 recipients with their own values are sent in one batch, then it is accepted with every row written', async () => {
    const template = await smsTemplate();
    const recipients = Array.from({ length: 10_000 }, (_, index) => ({
      recipient: `139${String(index).padStart(8, '0')}`, variables: { customer_name: `家长${index}`, order_no: `ORDER-${index}` },
    }));

    const started = performance.now();
    const response = await post('/api/messages/send-batch', { template_id: template.id, recipients, priority: 5 });
    const elapsedMs = performance.now() - started;

    console.log(`10,000-recipient batch accepted in ${elapsedMs.toFixed(0)} ms (body ${(JSON.stringify({ recipients }).length / 1e6).toFixed(2)} MB)`);
    expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(202);
    const accepted = response.body as SendAccepted;
    expect(accepted.queued).toBe(10_000);
    expect(new Set(accepted.traceIds).size).toBe(10_000);
    const counts = await t.context.pool.query(
      `SELECT (SELECT count(*)::int FROM dispatch.messages WHERE batch_id = $1) AS messages,
              (SELECT count(*)::int FROM dispatch.outbox o JOIN dispatch.messages m ON m.id = o.message_id WHERE m.batch_id = $1) AS outbox,
              (SELECT count(*)::int FROM dispatch.trace_events e JOIN dispatch.messages m ON m.id = e.message_id WHERE m.batch_id = $1) AS traces,
              (SELECT recipient FROM dispatch.messages WHERE trace_id = $2) AS last`, [accepted.batchId, accepted.traceIds[9_999]]);
    expect(counts.rows[0]).toEqual({ messages: 10_000, outbox: 10_000, traces: 10_000, last: '13900009999' });
  });

  it('when values are missing or addresses do not fit the channel, then 400 names each field by recipient index and nothing is written', async () => {
    const template = await smsTemplate();
    const before = await messageCount();

    const response = await post('/api/messages/send-batch', {
      template_id: template.id, variables: { customer_name: '家长' },
      recipients: [{ recipient: '13800000001', variables: { order_no: '1' } }, '13800000002', 'not-a-phone'],
    });

    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([
      { field: 'recipients.1.variables.order_no', message: '缺少变量 order_no' },
      { field: 'recipients.2', message: expect.stringContaining('手机号') },
      { field: 'recipients.2.variables.order_no', message: '缺少变量 order_no' },
    ]);
    expect(response.body.message).toContain('recipients.1.variables.order_no');
    expect(await messageCount()).toBe(before);
  });

  it('when the template is missing or inactive, the priority is out of range or send_at has no offset, then 400 names the field', async () => {
    const template = await smsTemplate();
    const good = { template_id: template.id, recipient: '13800138000', variables: { customer_name: 'a', order_no: 'b' } };
    await post(`/api/templates/${template.id}/deactivate`, {});
    const before = await messageCount();

    const inactive = await post('/api/messages/send', good);
    const missing = await post('/api/messages/send', { ...good, template_id: 999_999_999 });
    const priority = await post('/api/messages/send', { ...good, priority: 11 });
    const sendAt = await post('/api/messages/send', { ...good, send_at: '2026-12-07T09:00:00' });

    for (const [response, field] of [[inactive, 'template_id'], [missing, 'template_id'], [priority, 'priority'], [sendAt, 'send_at']] as const) {
      expect(response.status).toBe(400);
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
    }
    expect(inactive.body.message).toContain('已停用');
    expect(await messageCount()).toBe(before);
  });

  it('when recipients are shaped for e-mail, WeCom, WeChat OA and robots, then each channel takes its own shape and refuses another\'s', async () => {
    const cases: Array<[Partial<Template> & Record<string, unknown>, string, string]> = [
      [{ channel: 'email', subject: '通知', body: '<p>你好</p>' }, 'parent@example.com', '13800138000'],
      [{ channel: 'wecom_app', body: '你好' }, 'WangLaoShi', 'a|b'],
      [{ channel: 'wechat_oa', body: '你好' }, 'oXyZ0123456789abcdefghijklmn', 'parent@example.com'],
      [{ channel: 'wecom_robot', body: '你好' }, '三年级英语1班群', 'line\nbreak'],
    ];
    for (const [body, fits, misfits] of cases) {
      const template = await createTemplateThroughApi(t.app, t.cookies.staff, body);
      const ok = await post('/api/messages/send', { template_id: template.id, recipient: fits });
      const refused = await post('/api/messages/send', { template_id: template.id, recipient: misfits });
      expect([body.channel, ok.status], JSON.stringify(ok.body)).toEqual([body.channel, 202]);
      expect([body.channel, refused.status, refused.body.details?.[0]?.field]).toEqual([body.channel, 400, 'recipient']);
    }
  });
});

async function messageCount(): Promise<number> {
  return (await t.context.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dispatch.messages')).rows[0]!.n;
}
