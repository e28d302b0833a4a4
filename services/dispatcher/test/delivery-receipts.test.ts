import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import type { MessagePage, Overview, Trace } from '../src/contract.ts';
import { writeResults } from '../src/data-access/message-store.ts';
import { settlePendingReceipts, receiptMetrics } from '../src/domain/delivery-receipts.ts';
import { insertQueued, insertTemplate, nextPhone, publishAll, relayOutbox, traceStages, waitForStatus } from './dispatch-fixture.ts';
import { deliveryStates, RECEIPT_TOKEN, receiptSnapshot, useReceiptTestbed } from './receipt-fixture.ts';

const bed = useReceiptTestbed();

const smsTemplate = () => insertTemplate(bed.context, { channel: 'sms', body: '{{name}} 同学，明天 {{time}} 上课', providerTemplate: 'SMS_1000001' });
const vars = { variables: { name: '小明', time: '10:00' } };
const push = (provider: 'aliyun' | 'tencent', body: unknown, token: string | null = RECEIPT_TOKEN) =>
  supertest(bed.app).post(`/api/receipts/sms/${provider}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`).send(body as object);

/** Sends through one SMS provider: the other answers 503 until they are sent, so the router fails over to this one. */
async function sendThrough(provider: 'aliyun' | 'tencent', phones: string[]) {
  const other = provider === 'aliyun' ? bed.tencent : bed.aliyun;
  const handle = other.inject({ kind: 'transient', status: 503 });
  try {
    const messages = await insertQueued(bed.context, await smsTemplate(), phones, vars);
    await publishAll(bed.context, messages);
    await waitForStatus(bed.context, messages.map((m) => m.id), ['sent']);
    return messages;
  } finally {
    handle.remove();
  }
}

const waitForVerdicts = (ids: number[]) => waitFor('delivery verdicts', () => deliveryStates(bed.context, ids),
  { timeoutMs: 15_000, intervalMs: 50, until: (states) => states.every((s) => s.delivery_status === 'delivered' || s.delivery_status === 'undelivered') });

describe('SMS delivery receipts', () => {
  it('when the Aliyun and Tencent fakes push delivered and failed receipts, then each message gets its verdict, time and error, and its trace one callback event', async () => {
    const aliyunMessages = await sendThrough('aliyun', [nextPhone(), bed.failPhones[0]!]);
    const tencentMessages = await sendThrough('tencent', [nextPhone(), bed.failPhones[1]!]);
    const all = [...aliyunMessages, ...tencentMessages];

    const states = await waitForVerdicts(all.map((m) => m.id));
    // Aliyun pushed every receipt twice: let the replays land before counting events
    await bed.aliyun.receipts!.idle();
    await bed.tencent.receipts!.idle();

    expect(states.map((s) => [s.provider, s.delivery_status])).toEqual([
      ['sms_aliyun', 'delivered'], ['sms_aliyun', 'undelivered'], ['sms_tencent', 'delivered'], ['sms_tencent', 'undelivered'],
    ]);
    expect(states[1]!.delivery_error).toBe('UNDELIV 用户停机或空号');
    expect(states[3]!.delivery_error).toBe('UNDELIV 用户停机或空号');
    for (const state of states) expect(state.delivered_at).toBeInstanceOf(Date);
    for (const message of all) {
      const stages = await traceStages(bed.context, message.id);
      expect(stages.map((s) => s.stage)).toEqual(['processing', 'sent', 'callback']);
    }
    const aliyunFailed = (await traceStages(bed.context, aliyunMessages[1]!.id)).at(-1)!.detail;
    expect(aliyunFailed).toMatchObject({ provider: 'sms_aliyun', delivered: false, err_code: 'UNDELIV', biz_id: states[1]!.provider_message_id, out_id: aliyunMessages[1]!.traceId });
    expect(aliyunFailed).not.toHaveProperty('phone_number');
    const tencentOk = (await traceStages(bed.context, tencentMessages[0]!.id)).at(-1)!.detail;
    expect(tencentOk).toMatchObject({ provider: 'sms_tencent', delivered: true, report_status: 'SUCCESS', sid: states[2]!.provider_message_id });
    expect(tencentOk).not.toHaveProperty('mobile');
    // every push was taken with the answer its provider expects
    expect(bed.aliyun.receipts!.pushes.map((p) => [p.status, JSON.parse(p.body)])).toContainEqual([200, { code: 0, msg: '成功' }]);
    expect(bed.aliyun.receipts!.pushes.every((p) => p.status === 200)).toBe(true);
    expect(bed.tencent.receipts!.pushes.map((p) => JSON.parse(p.body))).toContainEqual({ result: 0, errmsg: 'OK' });

    const trace = (await supertest(bed.app).get(`/api/messages/traces/${aliyunMessages[1]!.traceId}`).set('Cookie', bed.staffCookie)).body as Trace;
    expect(trace.message).toMatchObject({ deliveryStatus: 'undelivered', deliveryError: 'UNDELIV 用户停机或空号' });
    expect(trace.events.at(-1)).toMatchObject({ stage: 'callback', detail: { delivered: false, error: 'UNDELIV 用户停机或空号' } });
    const undelivered = (await supertest(bed.app).get('/api/messages?delivery=undelivered&limit=200').set('Cookie', bed.staffCookie)).body as MessagePage;
    expect(undelivered.items.map((m) => m.id)).toEqual(expect.arrayContaining([aliyunMessages[1]!.id, tencentMessages[1]!.id]));
    expect(undelivered.items.every((m) => m.deliveryStatus === 'undelivered')).toBe(true);
    const overview = (await supertest(bed.app).get('/api/messages/statistics/overview').set('Cookie', bed.staffCookie)).body as Overview;
    const sms = overview.channels.find((c) => c.channel === 'sms')!;
    expect(sms.delivered).toBeGreaterThanOrEqual(2);
    expect(sms.undelivered).toBeGreaterThanOrEqual(2);
  });

  it('when an undelivered receipt arrives, then nothing is resent by itself; a person\'s retry sends it once more inside the dedupe window', async () => {
    const [message] = await sendThrough('aliyun', [bed.failPhones[2]!]);
    await waitForVerdicts([message!.id]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(bed.aliyun.deliveries.count(message!.traceId)).toBe(1);
    expect((await deliveryStates(bed.context, [message!.id]))[0]).toMatchObject({ status: 'sent', delivery_status: 'undelivered' });

    const retried = await supertest(bed.app).post(`/api/messages/${message!.id}/retry`).set('Cookie', bed.staffCookie);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toEqual({ retried: 1 });
    expect((await deliveryStates(bed.context, [message!.id]))[0]).toMatchObject({ status: 'queued', delivery_status: null, delivery_error: null });
    const handle = bed.tencent.inject({ kind: 'transient', status: 503 });
    try {
      await relayOutbox(bed.context);
      await waitForStatus(bed.context, [message!.id], ['sent']);
    } finally {
      handle.remove();
    }

    expect(bed.aliyun.deliveries.count(message!.traceId)).toBe(2);
    const [again] = await waitForVerdicts([message!.id]);
    expect(again).toMatchObject({ provider: 'sms_aliyun', delivery_status: 'undelivered' });
    const stages = (await traceStages(bed.context, message!.id)).map((s) => s.stage);
    expect(stages).toEqual(['processing', 'sent', 'callback', 'retry', 'processing', 'sent', 'callback']);
  });

  it('when a push is replayed, then it is answered OK and nothing changes', async () => {
    const [message] = await sendThrough('tencent', [nextPhone()]);
    await waitForVerdicts([message!.id]);
    await bed.tencent.receipts!.idle();
    const [sent] = await deliveryStates(bed.context, [message!.id]);
    const pushed = bed.tencent.receipts!.pushes.find((p) => p.items.some((item) => (item as { sid: string }).sid === sent!.provider_message_id))!;
    const before = await receiptSnapshot(bed.context);

    const replay = await push('tencent', pushed.items);
    const again = await push('tencent', pushed.items);

    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ result: 0, errmsg: 'OK' });
    expect(again.status).toBe(200);
    expect(await receiptSnapshot(bed.context)).toEqual(before);
  });

  it('when a receipt names an id we never sent, then it is answered OK, stored once and counted as unknown after the grace period', async () => {
    const sid = `${Math.floor(Date.now() / 1000)}:${randomUUID()}`;
    const item = { user_receive_time: '2026-12-06 08:00:00', nationcode: '86', mobile: nextPhone(), report_status: 'SUCCESS', errmsg: 'DELIVRD', description: '用户短信送达成功', sid };
    const counter = receiptMetrics(bed.context.metrics.registry);
    const unknownBefore = (await counter.get()).values.find((v) => v.labels.provider === 'sms_tencent' && v.labels.outcome === 'unknown')?.value ?? 0;

    const answer = await push('tencent', [item]);
    // a pass of our own with no grace period (the testbed's settler may hold the row for a moment: SKIP LOCKED)
    const rows = await waitFor('the receipt settled as unknown', async () => {
      await settlePendingReceipts({ pool: bed.context.pool, logger: bed.context.logger, counter, unknownAfterSeconds: 0 });
      return (await bed.context.pool.query('SELECT state, message_id FROM dispatch.delivery_receipts WHERE provider_message_id = $1', [sid])).rows;
    }, { timeoutMs: 5_000, intervalMs: 50, until: (found) => found[0]?.state !== 'pending' });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ result: 0, errmsg: 'OK' });
    expect(rows).toEqual([{ state: 'unknown', message_id: null }]);
    const unknownAfter = (await counter.get()).values.find((v) => v.labels.provider === 'sms_tencent' && v.labels.outcome === 'unknown')!.value;
    expect(unknownAfter).toBe(unknownBefore + 1);
    const metrics = await supertest(bed.app).get('/metrics');
    expect(metrics.text).toMatch(/dispatch_receipts_total\{provider="sms_tencent",outcome="unknown"[^}]*\} [1-9]/u);
  });

  it('when the token is wrong or missing, then 401 and nothing is stored; with no token configured the routes answer 404', async () => {
    const item = { phone_number: nextPhone(), send_time: '2026-12-06 08:00:00', report_time: '2026-12-06 08:00:05', success: true, err_code: 'DELIVERED', err_msg: '用户接收成功', sms_size: '1', biz_id: `${Date.now()}^0`, out_id: randomUUID() };
    const before = await receiptSnapshot(bed.context);

    const wrong = await push('aliyun', [item], `${RECEIPT_TOKEN}x`);
    const missing = await push('aliyun', [item], null);
    const off = await supertest(createDispatcherApp({ ...bed.context, config: { ...bed.context.config, DISPATCH_RECEIPT_TOKEN: undefined } }))
      .post(`/api/receipts/sms/aliyun?token=${RECEIPT_TOKEN}`).send([item]);

    expect([wrong.status, missing.status, off.status]).toEqual([401, 401, 404]);
    expect(await receiptSnapshot(bed.context)).toEqual(before);
  });

  it('when a push is not the provider\'s format, then 400 names the item and field, and nothing of the push is stored', async () => {
    const before = await receiptSnapshot(bed.context);
    const good = { user_receive_time: '2026-12-06 08:00:00', nationcode: '86', mobile: nextPhone(), report_status: 'SUCCESS', errmsg: 'DELIVRD', description: 'ok', sid: 'fmt-1' };

    const answer = await push('tencent', [good, { ...good, sid: 'fmt-2', report_status: 'MAYBE' }]);

    expect(answer.status).toBe(400);
    expect(answer.body.details).toEqual([expect.objectContaining({ field: '1.report_status' })]);
    expect(await receiptSnapshot(bed.context)).toEqual(before);
  });

  it('when a push is larger than the body limit, then 413 and nothing is stored', async () => {
    const before = await receiptSnapshot(bed.context);
    const item = { user_receive_time: '2026-12-06 08:00:00', nationcode: '86', mobile: nextPhone(), report_status: 'SUCCESS', errmsg: 'DELIVRD', description: 'x'.repeat(400), sid: 'big' };

    const answer = await push('tencent', Array.from({ length: 1_500 }, (_, n) => ({ ...item, sid: `big-${n}` })));

    expect(answer.status).toBe(413);
    expect(await receiptSnapshot(bed.context)).toEqual(before);
  });

  it('when a receipt arrives before our send record is committed, then it waits and is applied once the record lands', async () => {
    const [message] = await insertQueued(bed.context, await smsTemplate(), [nextPhone()], vars);
    const bizId = `${Math.floor(Date.now() / 1000)}${Math.floor(Math.random() * 1e9)}^0`;
    const receipt = { phone_number: nextPhone(), send_time: '2026-12-06 08:00:00', report_time: '2026-12-06 08:00:04', success: true, err_code: 'DELIVERED', err_msg: '用户接收成功', sms_size: '1', biz_id: bizId, out_id: message!.traceId };

    expect((await push('aliyun', [receipt])).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { rows: waiting } = await bed.context.pool.query('SELECT state FROM dispatch.delivery_receipts WHERE provider_message_id = $1', [bizId]);
    expect(waiting).toEqual([{ state: 'pending' }]);
    expect((await deliveryStates(bed.context, [message!.id]))[0]!.delivery_status).toBeNull();
    // the worker's own record, as it writes it: claimed (processing), then sent with the provider's id
    await bed.context.pool.query("UPDATE dispatch.messages SET status = 'processing' WHERE id = $1", [message!.id]);
    await writeResults(bed.context.pool, [{ id: message!.id, traceId: message!.traceId, status: 'sent', stage: 'sent', provider: 'sms_aliyun', providerMessageId: bizId, detail: {} }]);

    const [state] = await waitForVerdicts([message!.id]);
    expect(state).toMatchObject({ delivery_status: 'delivered', delivery_error: null });
    expect(state!.delivered_at!.toISOString()).toBe('2026-12-06T00:00:04.000Z');
    expect((await traceStages(bed.context, message!.id)).map((s) => s.stage)).toEqual(['sent', 'callback']);
  });

  it('when two receipts for one message arrive newest first, then the newer verdict stands and both are traced', async () => {
    const [message] = await sendThrough('tencent', [nextPhone()]);
    await waitForVerdicts([message!.id]);
    const [sent] = await deliveryStates(bed.context, [message!.id]);
    const base = { nationcode: '86', mobile: nextPhone(), sid: sent!.provider_message_id! };

    await push('tencent', [{ ...base, user_receive_time: '2099-01-01 10:00:09', report_status: 'SUCCESS', errmsg: 'DELIVRD', description: '用户短信送达成功' }]);
    await push('tencent', [{ ...base, user_receive_time: '2099-01-01 10:00:01', report_status: 'FAIL', errmsg: 'UNDELIV', description: '暂时无法接通' }]);

    await waitFor('both receipts traced', () => traceStages(bed.context, message!.id),
      { timeoutMs: 5_000, intervalMs: 50, until: (stages) => stages.filter((s) => s.stage === 'callback').length === 3 });
    const [state] = await deliveryStates(bed.context, [message!.id]);
    expect(state).toMatchObject({ delivery_status: 'delivered', delivery_error: null });
    expect(state!.delivered_at!.toISOString()).toBe('2099-01-01T02:00:09.000Z');
  });

  it('when an app webhook answers 2xx, then the message counts as delivered without a receipt', async () => {
    const templateId = await insertTemplate(bed.context, { channel: 'app_webhook', body: '{{name}} 有新消息', webhookUrl: bed.webhookUrl });
    const messages = await insertQueued(bed.context, templateId, ['app-user-1'], { variables: { name: '小明' } });

    await publishAll(bed.context, messages);

    await waitForStatus(bed.context, [messages[0]!.id], ['sent']);
    const [state] = await deliveryStates(bed.context, [messages[0]!.id]);
    expect(state).toMatchObject({ delivery_status: 'delivered' });
    expect(state!.delivered_at).toBeInstanceOf(Date);
  });
});
