import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAliyunSmsFake, createWecomSendFake, type AliyunSmsFake, type WecomSendFake } from '@doitcrm/fakes';
import { useTestApp, waitFor } from '@doitcrm/kit/testing';
import type { ContactsPhones } from '@doitcrm/types';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { SendAccepted, Trace } from '../src/contract.ts';
import { DEFAULT_DISPATCH_SETTINGS } from '../src/domain/dispatch-settings.ts';
import { startContactPhonesConsumer } from '../src/entry-points/queue/contact-phones-consumer.ts';
import { startDispatchWorkers } from '../src/entry-points/queue/start-dispatch-workers.ts';
import { nextPhone, relayOutbox, traceStages, waitForStatus } from './dispatch-fixture.ts';
import { BEIJING_NOON, createTemplateThroughApi } from './send-test-helpers.ts';

/**
 * Issue 16's WeCom → SMS fallback through the HTTP API: sends accepted by the API, the workers of this process, the
 * WeCom and Aliyun SMS fakes over HTTP, the real PostgreSQL, RabbitMQ and Redis. The relay is the fixture's
 * (publish the outbox rows, then delete them), so each step is awaited rather than timed.
 */
const fakes = {} as { wecom: WecomSendFake; sms: AliyunSmsFake; env: Record<string, string>; close: Array<() => Promise<void>> };
beforeAll(async () => {
  fakes.wecom = createWecomSendFake();
  fakes.sms = createAliyunSmsFake({ perNumber: { minute: 10_000, hour: 10_000, day: 10_000 }, qps: 100_000 });
  const [wecom, sms] = await Promise.all([fakes.wecom.listen(0, '127.0.0.1'), fakes.sms.listen(0, '127.0.0.1')]);
  fakes.close = [wecom.close, sms.close];
  fakes.env = {
    WECOM_SEND_BASE_URL: wecom.url, WECOM_SEND_CORP_ID: fakes.wecom.corpId, WECOM_SEND_SECRET: fakes.wecom.secret,
    WECOM_SEND_AGENT_ID: String(fakes.wecom.agentId),
    ALIYUN_SMS_ENDPOINT: sms.url, ALIYUN_SMS_ACCESS_KEY_ID: fakes.sms.accessKeyId, ALIYUN_SMS_ACCESS_KEY_SECRET: fakes.sms.accessKeySecret,
    ALIYUN_SMS_SIGN_NAME: '学校通知', CHANNEL_TIMEOUT_MS: '2000',
  };
});
afterAll(async () => {
  for (const close of fakes.close) await close();
});

const t = useTestApp('dispatcher', dispatcherConfigShape, (context) => createDispatcherApp(context, { now: () => BEIJING_NOON }), {
  roles: ['staff', 'viewer'],
  env: () => fakes.env,
  async prepare(context) {
    await startDispatchWorkers(context, { settings: () => DEFAULT_DISPATCH_SETTINGS, resetGuardMs: 0, secret: () => undefined });
    await startContactPhonesConsumer(context);
  },
});

const post = (path: string, body: object) => supertest(t.app).post(path).set('Cookie', t.cookies.staff).send(body);

async function wecomWithSmsFallback() {
  const sms = await createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'sms', body: '{{name}}：企业微信通知未送达，请查收短信', providerTemplate: 'SMS_1000002' });
  return createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'wecom_app', body: '{{name}}，请查看排课变更', fallbackTemplateId: sms.id });
}

async function messageOf(traceId: string) {
  const { rows } = await t.context.pool.query<{ id: string; status: string }>('SELECT id, status FROM dispatch.messages WHERE trace_id = $1', [traceId]);
  return { id: Number(rows[0]!.id), status: rows[0]!.status };
}

async function fallbackOf(messageId: number) {
  return waitFor('the fallback to be sent', async () => {
    await relayOutbox(t.context);
    const { rows } = await t.context.pool.query<{ id: string; trace_id: string; channel: string; recipient: string; status: string }>(
      'SELECT id, trace_id, channel, recipient, status FROM dispatch.messages WHERE fallback_of = $1', [messageId]);
    if (rows[0]?.status === 'failed') throw new Error(`the fallback failed: ${JSON.stringify(await traceStages(t.context, Number(rows[0].id)))}`);
    return rows[0]?.status === 'sent' ? { ...rows[0], id: Number(rows[0].id) } : undefined;
  }, { timeoutMs: 15_000, intervalMs: 100 });
}

/** Accepted, published and failed for good at WeCom (81013: no such member): the message row, once failed. */
async function sendFailingAtWecom(body: Record<string, unknown>) {
  const accepted = await post('/api/messages/send', { priority: 9, variables: { name: '王老师' }, ...body });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  const { traceId } = accepted.body as SendAccepted;
  fakes.wecom.inject({ kind: 'permanent', times: 1 });
  expect(await relayOutbox(t.context)).toBe(1);
  const message = await messageOf(traceId!);
  await waitForStatus(t.context, [message.id], ['failed']);
  return { ...message, traceId: traceId! };
}

describe('fallback recipient (WeCom → SMS)', () => {
  it('when a WeCom app message with a fallback_recipient fails permanently, then the SMS fallback goes to that phone, delivered once, and the trace says so masked', async () => {
    const template = await wecomWithSmsFallback();
    const phone = nextPhone();

    const message = await sendFailingAtWecom({ template_id: template.id, recipient: 'WangLaoshi', fallback_recipient: phone });

    const fallback = await fallbackOf(message.id);
    expect(fallback).toMatchObject({ channel: 'sms', recipient: phone });
    expect(fakes.sms.deliveries.count(fallback.trace_id)).toBe(1);
    expect(fakes.sms.deliveries.all().filter((d) => d.to === phone)).toHaveLength(1);
    const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
    const stages = await traceStages(t.context, message.id);
    expect(stages.map((s) => s.stage)).toEqual(['queued', 'processing', 'failed', 'fallback']);
    expect(stages[3]!.detail).toMatchObject({ fallbackMessageId: fallback.id, channel: 'sms', recipient: masked, recipientFrom: 'given' });
    expect(JSON.stringify(stages)).not.toContain(phone);
    const viewed = await supertest(t.app).get(`/api/messages/traces/${message.traceId}`).set('Cookie', t.cookies.viewer);
    expect(viewed.status).toBe(200);
    expect((viewed.body as Trace).message.fallbackRecipient).toBe(masked);
  });

  it('when no fallback_recipient is given and contacts-sync told a phone for that WeCom member, then the SMS fallback goes to that phone', async () => {
    const template = await wecomWithSmsFallback();
    const phone = nextPhone();
    const phones: ContactsPhones = { phones: [{ id: 'LiLaoshi', kind: 'staff', mobiles: [phone] }] };
    await t.context.broker.publishEvent('contacts.phones', phones);
    await waitFor('the phone copy', async () => (await t.context.pool.query('SELECT 1 FROM dispatch.contact_phones WHERE wecom_id = $1', ['LiLaoshi'])).rows[0], { timeoutMs: 10_000 });

    const message = await sendFailingAtWecom({ template_id: template.id, recipient: 'LiLaoshi' });

    const fallback = await fallbackOf(message.id);
    expect(fallback).toMatchObject({ channel: 'sms', recipient: phone });
    expect(fakes.sms.deliveries.count(fallback.trace_id)).toBe(1);
    const stages = await traceStages(t.context, message.id);
    expect(stages.at(-1)!.detail).toMatchObject({ recipientFrom: 'contacts', recipient: `${phone.slice(0, 3)}****${phone.slice(-4)}` });
  });

  it('when a customer has two remark mobiles, then neither is guessed: the fallback is skipped and the failure says why', async () => {
    const template = await wecomWithSmsFallback();
    await t.context.broker.publishEvent('contacts.phones', { phones: [{ id: 'wmTwoPhones01', kind: 'customer', mobiles: [nextPhone(), nextPhone()] }] } satisfies ContactsPhones);
    await waitFor('the phone copy', async () => (await t.context.pool.query('SELECT 1 FROM dispatch.contact_phones WHERE wecom_id = $1', ['wmTwoPhones01'])).rows[0], { timeoutMs: 10_000 });

    const message = await sendFailingAtWecom({ template_id: template.id, recipient: 'wmTwoPhones01' });

    const stages = await traceStages(t.context, message.id);
    expect(stages.map((s) => s.stage)).toEqual(['queued', 'processing', 'failed']);
    expect(String(stages[2]!.detail.fallbackSkipped)).toContain('2 个手机号');
  });

  it('when neither a fallback_recipient nor a contacts phone is known, then the fallback is skipped and the failure says why', async () => {
    const template = await wecomWithSmsFallback();
    const before = fakes.sms.deliveries.all().length;

    const message = await sendFailingAtWecom({ template_id: template.id, recipient: 'NoPhoneMember' });

    const stages = await traceStages(t.context, message.id);
    expect(stages.map((s) => s.stage)).toEqual(['queued', 'processing', 'failed']);
    expect(String(stages[2]!.detail.fallbackSkipped)).toContain('sms');
    const { rows } = await t.context.pool.query('SELECT count(*)::int AS n FROM dispatch.messages WHERE fallback_of = $1', [message.id]);
    expect(rows[0]).toEqual({ n: 0 });
    expect(fakes.sms.deliveries.all().length).toBe(before);
  });

  it('when a batch recipient\'s fallback_recipient is no phone for the SMS fallback, then 400 names the field and index and nothing is written', async () => {
    const template = await wecomWithSmsFallback();

    const response = await post('/api/messages/send-batch', {
      template_id: template.id, variables: { name: '家长' },
      recipients: [{ recipient: 'ZhaoLaoshi', fallback_recipient: nextPhone() }, { recipient: 'QianLaoshi', fallback_recipient: 'qian@example.com' }],
    });

    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([{ field: 'recipients.1.fallback_recipient', message: expect.stringContaining('手机号') }]);
    expect(JSON.stringify(response.body)).not.toContain('qian@example.com');
    const { rows } = await t.context.pool.query('SELECT count(*)::int AS n FROM dispatch.messages WHERE template_id = $1', [template.id]);
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('when a single send names a fallback_recipient for a template without a fallback, then 400 names fallback_recipient', async () => {
    const template = await createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'wecom_app', body: '{{name}}，您好' });

    const response = await post('/api/messages/send', { template_id: template.id, recipient: 'SunLaoshi', fallback_recipient: nextPhone(), variables: { name: '孙老师' } });

    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([{ field: 'fallback_recipient', message: expect.stringContaining('备用模板') }]);
  });
});
