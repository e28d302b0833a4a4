import { describe, expect, it } from 'vitest';
import { waitFor } from '@doitcrm/kit/testing';
import { heartbeatKey } from '../src/entry-points/queue/worker-heartbeat.ts';
import {
  insertQueued, insertTemplate, takeDeadCopy, nextPhone, publishAll, publishCopy, relayOutbox, traceStages, useDispatchTestbed, waitForStatus,
} from './dispatch-fixture.ts';

const bed = useDispatchTestbed({
  limits: { channels: { sms: { perRecipient: { rate: [{ limit: 3, windowMs: 60_000 }] } } } },
  dedupe: { windowSeconds: 600 },
  retry: { maxAttempts: 4 },
});

const smsTemplate = (body = '{{name}} 同学，明天 {{time}} 上课') => insertTemplate(bed.context, { channel: 'sms', body, providerTemplate: 'SMS_1000001' });
const vars = (name: string) => ({ variables: { name, time: '10:00' } });

describe('dispatch workers', () => {
  it('when queued rows are published, then each is delivered once, marked sent with the provider id, and traced with latencies', async () => {
    const templateId = await smsTemplate();
    const messages = [
      ...await insertQueued(bed.context, templateId, [nextPhone(), nextPhone()], vars('小明')),
      ...await insertQueued(bed.context, templateId, [nextPhone()], vars('小红')),
    ];

    await publishAll(bed.context, messages);

    const states = await waitForStatus(bed.context, messages.map((m) => m.id), ['sent']);
    for (const [i, message] of messages.entries()) {
      expect(bed.sms.deliveries.count(message.traceId)).toBe(1);
      expect(states[i]).toMatchObject({ status: 'sent', provider: 'sms_aliyun', attempts: 1 });
      expect(states[i]!.provider_message_id).toBeTruthy();
      const stages = await traceStages(bed.context, message.id);
      expect(stages.map((s) => s.stage)).toEqual(['processing', 'sent']);
      expect(stages[0]!.detail).toMatchObject({ attempt: 1, worker: bed.workers.instance, sinceQueuedMs: expect.any(Number) });
      expect(stages[1]!.detail).toMatchObject({ attempt: 1, provider: 'sms_aliyun', latencyMs: expect.any(Number), sinceQueuedMs: expect.any(Number) });
    }
  });

  it('when the broker delivers the same message twice, then it is sent once', async () => {
    const templateId = await smsTemplate();
    const [message] = await insertQueued(bed.context, templateId, [nextPhone()], vars('小刚'));

    await Promise.all([publishCopy(bed.context, message!), publishCopy(bed.context, message!)]);
    await waitForStatus(bed.context, [message!.id], ['sent']);
    // the second copy is either acked on sight or parked for a look after the lease; neither sends
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    expect(bed.sms.deliveries.count(message!.traceId)).toBe(1);
    expect((await traceStages(bed.context, message!.id)).filter((s) => s.stage === 'sent')).toHaveLength(1);
  });

  it('when two messages carry the same content to the same recipient inside the dedupe window, then the second is marked sent as a duplicate and not delivered', async () => {
    const templateId = await smsTemplate();
    const phone = nextPhone();
    const [first] = await insertQueued(bed.context, templateId, [phone], vars('小丽'));
    await publishCopy(bed.context, first!);
    await waitForStatus(bed.context, [first!.id], ['sent']);
    const [second] = await insertQueued(bed.context, templateId, [phone], vars('小丽'));

    await publishCopy(bed.context, second!);

    const [state] = await waitForStatus(bed.context, [second!.id], ['sent']);
    expect(state).toMatchObject({ provider: 'dedupe' });
    expect(bed.sms.deliveries.count(second!.traceId)).toBe(0);
    expect((await traceStages(bed.context, second!.id)).at(-1)!.detail).toMatchObject({ duplicate: true });
  });

  it('when the provider fails transiently once, then the message comes back through the back-off queue and is sent once', async () => {
    const templateId = await smsTemplate();
    const [message] = await insertQueued(bed.context, templateId, [nextPhone()], vars('小亮'));
    bed.sms.inject({ kind: 'transient', times: 1 });

    await publishCopy(bed.context, message!);

    await waitForStatus(bed.context, [message!.id], ['retrying'], 5_000);
    const [state] = await waitForStatus(bed.context, [message!.id], ['sent'], 10_000);
    expect(state).toMatchObject({ attempts: 2 });
    expect(bed.sms.deliveries.count(message!.traceId)).toBe(1);
    const stages = await traceStages(bed.context, message!.id);
    expect(stages.map((s) => s.stage)).toEqual(['processing', 'retry', 'processing', 'sent']);
    expect(stages[1]!.detail).toMatchObject({ step: 0, delayMs: 1_000, latencyMs: expect.any(Number) });
  });

  it('when the provider keeps failing transiently, then after settings.retry.maxAttempts the message is failed with its last error, and delivered never', async () => {
    const before = bed.settings;
    bed.settings = { ...before, retry: { maxAttempts: 2 } };
    const templateId = await smsTemplate();
    const [message] = await insertQueued(bed.context, templateId, [nextPhone()], vars('小雨'));
    const fault = bed.sms.inject({ kind: 'transient' });

    try {
      await publishCopy(bed.context, message!);

      const [state] = await waitForStatus(bed.context, [message!.id], ['failed'], 10_000);
      expect(state).toMatchObject({ attempts: 2, last_error_kind: 'transient' });
      expect((await traceStages(bed.context, message!.id)).map((s) => s.stage)).toEqual(['processing', 'retry', 'processing', 'failed']);
      expect(bed.sms.deliveries.count(message!.traceId)).toBe(0);
    } finally {
      fault.remove();
      bed.settings = before;
    }
  });

  it('when the provider refuses permanently, then the message fails, a copy is parked in the dead queue, and the fallback template is sent on its channel', async () => {
    const fallbackId = await smsTemplate('{{name}}：请查看企业微信通知');
    const primaryId = await insertTemplate(bed.context, { channel: 'app_webhook', body: '{{name}} 的通知', webhookUrl: bed.webhookUrl, fallbackTemplateId: fallbackId });
    const [message] = await insertQueued(bed.context, primaryId, [nextPhone()], { variables: { name: '小华' } });
    bed.webhook.inject({ kind: 'permanent', times: 1 });

    await publishCopy(bed.context, message!);

    const [failed] = await waitForStatus(bed.context, [message!.id], ['failed']);
    expect(failed).toMatchObject({ last_error_kind: 'permanent' });
    expect(await relayOutbox(bed.context)).toBe(1);
    const fallback = await waitFor('the fallback message', async () => {
      const { rows } = await bed.context.pool.query<{ id: string; trace_id: string; channel: string; status: string }>(
        'SELECT id, trace_id, channel, status FROM dispatch.messages WHERE fallback_of = $1', [message!.id]);
      return rows[0]?.status === 'sent' ? rows[0] : undefined;
    }, 10_000);
    expect(fallback.channel).toBe('sms');
    expect(bed.sms.deliveries.count(fallback.trace_id)).toBe(1);
    expect(bed.webhook.deliveries.count(message!.traceId)).toBe(0);
    expect((await traceStages(bed.context, message!.id)).map((s) => s.stage)).toEqual(['processing', 'failed', 'fallback']);
    const parked = await waitFor('the dead-queue copy', () => takeDeadCopy(bed.context, message!.id));
    expect(parked.payload.messageId).toBe(message!.id);
  });

  it('when the recipient is not shaped for the fallback channel, then the message fails without a fallback and its failure says why', async () => {
    const fallbackId = await smsTemplate('{{name}}：请查看通知');
    const primaryId = await insertTemplate(bed.context, { channel: 'app_webhook', body: '{{name}} 的通知', webhookUrl: bed.webhookUrl, fallbackTemplateId: fallbackId });
    // an app user label, not a phone number: SMS could only fail, or reach whoever owns a number that looks like it
    const [message] = await insertQueued(bed.context, primaryId, ['app-user-9'], { variables: { name: '小林' } });
    bed.webhook.inject({ kind: 'permanent', times: 1 });

    await publishCopy(bed.context, message!);

    await waitForStatus(bed.context, [message!.id], ['failed']);
    const { rows } = await bed.context.pool.query('SELECT count(*)::int AS n FROM dispatch.messages WHERE fallback_of = $1', [message!.id]);
    expect(rows[0]).toEqual({ n: 0 });
    const stages = await traceStages(bed.context, message!.id);
    expect(stages.map((s) => s.stage)).toEqual(['processing', 'failed']);
    expect(String(stages[1]!.detail.fallbackSkipped)).toContain('sms');
  });

  it('when an app-webhook template is sent, then the receiver gets the signed JSON of the contract with the message and trace ids', async () => {
    const templateId = await insertTemplate(bed.context, { channel: 'app_webhook', body: '{{name}} 的作业已批改', webhookUrl: bed.webhookUrl });
    const [message] = await insertQueued(bed.context, templateId, ['app-user-2'], { variables: { name: '小西' } });

    await publishCopy(bed.context, message!);

    await waitForStatus(bed.context, [message!.id], ['sent']);
    const received = bed.webhook.received.find((r) => r.messageId === message!.traceId);
    expect(received).toMatchObject({
      traceId: message!.traceId,
      body: { message_id: message!.traceId, trace_id: message!.traceId, template_id: templateId, recipient: 'app-user-2', content: '小西 的作业已批改', variables: { name: '小西' } },
    });
  });

  it('when an app-webhook template points at this machine by a name that is not allow-listed, then the send fails permanently and nothing is called', async () => {
    const local = new URL(bed.webhookUrl);
    const templateId = await insertTemplate(bed.context, { channel: 'app_webhook', body: '{{name}} 的通知', webhookUrl: `http://localhost:${local.port}${local.pathname}` });
    const [message] = await insertQueued(bed.context, templateId, ['app-user-1'], { variables: { name: '小北' } });
    const before = bed.webhook.received.length;

    await publishCopy(bed.context, message!);

    const [state] = await waitForStatus(bed.context, [message!.id], ['failed']);
    expect(state).toMatchObject({ last_error_kind: 'permanent' });
    expect((await traceStages(bed.context, message!.id)).at(-1)!.detail).toMatchObject({ code: 'unsafe_url' });
    expect(bed.webhook.received.length).toBe(before);
  });

  it('when more messages go to one recipient than its per-minute limit, then the rest are deferred with a due time, none dropped, and the provider sees no more than the limit', async () => {
    const templateId = await smsTemplate('{{name}}，第 {{time}} 条');
    const phone = nextPhone();
    const messages = [];
    for (let i = 0; i < 6; i += 1) messages.push(...await insertQueued(bed.context, templateId, [phone], { variables: { name: '小军', time: String(i) } }));

    await publishAll(bed.context, messages);

    const states = await waitForStatus(bed.context, messages.map((m) => m.id), ['sent', 'deferred']);
    const sent = states.filter((s) => s.status === 'sent');
    const deferred = states.filter((s) => s.status === 'deferred');
    expect(sent).toHaveLength(3);
    expect(deferred).toHaveLength(3);
    for (const state of deferred) {
      expect(state.due_at!.getTime()).toBeGreaterThan(Date.now() + 30_000);
      expect(state.attempts).toBe(0);
    }
    expect(bed.sms.deliveries.all().filter((d) => d.to.endsWith(phone)).length).toBe(3);
    const stages = await traceStages(bed.context, deferred[0]!.id);
    expect(stages.at(-1)).toMatchObject({ stage: 'deferred', detail: { reason: expect.stringContaining('limit:recipient_rate') } });
  });

  it('when workers.concurrency changes, then the worker takes the new capacity without a restart and the heartbeat reports it', async () => {
    const before = bed.settings;
    bed.settings = { ...before, 'workers.concurrency': { ...before['workers.concurrency'], email: 3 } };

    await bed.workers.applySettings();

    const email = bed.workers.workers.find((w) => w.channel === 'email')!;
    expect(email.capacity).toBe(3);
    const heartbeat = await waitFor('the heartbeat with the new capacity', async () => {
      const fields = await bed.context.redis.hgetall(heartbeatKey(bed.workers.instance));
      return fields['email.capacity'] === '3' ? fields : undefined;
    }, 7_000);
    expect(heartbeat).toMatchObject({ 'sms.busy': expect.any(String), 'sms.capacity': String(before['workers.concurrency'].sms) });
    expect(await bed.context.redis.ttl(heartbeatKey(bed.workers.instance))).toBeGreaterThan(0);
    bed.settings = before;
  });

  it('when messages are sent, then /metrics counts them per channel with the send latency', async () => {
    const templateId = await smsTemplate();
    const messages = await insertQueued(bed.context, templateId, [nextPhone()], vars('小东'));
    await publishAll(bed.context, messages);
    await waitForStatus(bed.context, messages.map((m) => m.id), ['sent']);

    const text = await bed.context.metrics.registry.metrics();

    expect(text).toMatch(/dispatch_messages_total\{[^}]*channel="sms"[^}]*outcome="sent"[^}]*\} [1-9]/u);
    expect(text).toMatch(/dispatch_send_duration_seconds_count\{[^}]*channel="sms"[^}]*result="sent"[^}]*\} [1-9]/u);
    expect(text).toContain('dispatch_in_flight');
  });
});
