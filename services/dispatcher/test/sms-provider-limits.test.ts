import { describe, expect, it } from 'vitest';
import { DEFAULT_DISPATCH_SETTINGS } from '../src/domain/dispatch-settings.ts';
import { insertQueued, insertTemplate, messageStates, nextPhone, publishAll, traceStages, useDispatchTestbed, waitForStatus } from './dispatch-fixture.ts';

// Aliyun (weight 1) is picked first for every message, Tencent (weight 0) is the standby: whoever sends is decided by the limits
const bed = useDispatchTestbed({ dedupe: { windowSeconds: 0 } }, { tencent: true });
const channels = DEFAULT_DISPATCH_SETTINGS.limits.channels;

const smsTemplate = () => insertTemplate(bed.context, { channel: 'sms', body: '{{name}} 同学，明天 10:00 上课', providerTemplate: 'SMS_1000001' });
const deliveredBy = (traceId: string) => ({ aliyun: bed.sms.deliveries.count(traceId), tencent: bed.tencent.deliveries.count(traceId) });

describe('SMS provider limits in the shared limiter', () => {
  it('when Aliyun reaches its daily cap, then the rest go through Tencent, each once, and their sent trace names the limit Aliyun was skipped for', async () => {
    bed.settings = { ...bed.settings, limits: { channels, providers: { aliyun: { dailyCap: 3 } } } };
    const messages = await insertQueued(bed.context, await smsTemplate(), Array.from({ length: 5 }, nextPhone), { variables: { name: '小明' } });

    await publishAll(bed.context, messages);

    const states = await waitForStatus(bed.context, messages.map((m) => m.id), ['sent']);
    expect(states.filter((s) => s.provider === 'sms_aliyun')).toHaveLength(3);
    expect(states.filter((s) => s.provider === 'sms_tencent')).toHaveLength(2);
    for (const message of messages) {
      const by = deliveredBy(message.traceId);
      expect(by.aliyun + by.tencent).toBe(1);
    }
    const viaTencent = states.find((s) => s.provider === 'sms_tencent')!;
    const sent = (await traceStages(bed.context, viaTencent.id)).find((s) => s.stage === 'sent')!;
    expect(sent.detail).toMatchObject({ provider: 'sms_tencent', skippedProviders: [{ provider: 'sms_aliyun', refusedBy: ['provider_daily_cap'] }] });
  });

  it('when every provider is over its rate, then the message is deferred (not dropped) with a trace naming each limit, and sent once a slot frees', async () => {
    // one a second each (widened by the 2 s channel timeout, packages/limits checksFor): two messages fit, the third waits
    const oneASecond = { rate: [{ limit: 1, windowMs: 1_000 }] };
    bed.settings = { ...bed.settings, limits: { channels, providers: { aliyun: oneASecond, tencent: oneASecond } } };
    const messages = await insertQueued(bed.context, await smsTemplate(), [nextPhone(), nextPhone(), nextPhone()], { variables: { name: '小红' } });

    await publishAll(bed.context, messages);

    const waited = await waitForStatus(bed.context, messages.map((m) => m.id), ['sent', 'deferred']);
    const deferred = waited.filter((s) => s.status === 'deferred');
    expect(deferred).toHaveLength(1);
    expect(deferred[0]!.due_at).not.toBeNull();
    const trace = (await traceStages(bed.context, deferred[0]!.id)).find((s) => s.stage === 'deferred')!;
    expect(trace.detail).toMatchObject({
      reason: 'limit:sms_aliyun:provider_rate,sms_tencent:provider_rate',
      providers: [{ provider: 'sms_aliyun', refusedBy: ['provider_rate'] }, { provider: 'sms_tencent', refusedBy: ['provider_rate'] }],
    });
    expect(Number(trace.detail.waitMs)).toBeGreaterThan(0);
    expect(Number(trace.detail.waitMs)).toBeLessThanOrEqual(3_000);

    const [later] = await waitForStatus(bed.context, [deferred[0]!.id], ['sent'], 20_000);
    expect(later).toMatchObject({ status: 'sent', attempts: 1 });
    const all = await messageStates(bed.context, messages.map((m) => m.id));
    expect(all.map((s) => s.status)).toEqual(['sent', 'sent', 'sent']);
    for (const message of messages) {
      const by = deliveredBy(message.traceId);
      expect(by.aliyun + by.tencent).toBe(1);
    }
  });
});
