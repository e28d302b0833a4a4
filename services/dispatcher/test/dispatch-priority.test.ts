import amqplib from 'amqplib';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@doitcrm/kit/testing';
import { insertQueued, insertTemplate, messageStates, nextPhone, publishAll, publishCopy, useDispatchTestbed, waitForStatus } from './dispatch-fixture.ts';

const CONCURRENCY = 8;
const BACKLOG = 3_000;
/** what "within a small bound" means on the shared two-core box: a few slots' worth of sends, far below the backlog's time */
const BOUND_MS = 1_500;

const bed = useDispatchTestbed({
  limits: { channels: {} },
  dedupe: { windowSeconds: 0 },
  'workers.concurrency': { sms: CONCURRENCY, email: 1, wecom_app: 1, wecom_robot: 1, wechat_oa: 1, feishu_bot: 1, app_webhook: 1 },
}, { channelTimeoutMs: 10_000 });

describe('dispatch priority', () => {
  it(`when ${BACKLOG} tier-0 messages wait, then a tier-3 message is sent as soon as a slot frees, ahead of the backlog`, async () => {
    const templateId = await insertTemplate(bed.context, { channel: 'sms', body: '{{name}}：通知', providerTemplate: 'SMS_1000002' });
    const phones = Array.from({ length: BACKLOG }, nextPhone);
    const backlog = await insertQueued(bed.context, templateId, phones, { priority: 1, variables: { name: '批量' } });
    await publishAll(bed.context, backlog);
    // the worker is busy with the backlog before the urgent one arrives
    await waitFor20Sent(backlog.map((m) => m.id));
    const [urgent] = await insertQueued(bed.context, templateId, [nextPhone()], { priority: 9, variables: { name: '紧急' } });

    const started = performance.now();
    await publishCopy(bed.context, urgent!);
    await waitForStatus(bed.context, [urgent!.id], ['sent'], 10_000);
    const elapsedMs = Math.round(performance.now() - started);

    const unsent = (await messageStates(bed.context, backlog.map((m) => m.id))).filter((s) => s.status !== 'sent').length;
    console.log(`priority: tier-3 message sent ${elapsedMs} ms after publishing, with ${unsent} of ${BACKLOG} tier-0 messages still waiting (concurrency ${CONCURRENCY})`);
    expect(elapsedMs).toBeLessThan(BOUND_MS);
    expect(unsent).toBeGreaterThan(BACKLOG / 2);
  });
});

describe('dispatch workers stopping', () => {
  it('when the workers stop mid-backlog, then what they started is sent and recorded, the rest stays queued with one copy each in RabbitMQ, and nothing is left processing', async () => {
    const templateId = await insertTemplate(bed.context, { channel: 'sms', body: '{{name}}：停止前后', providerTemplate: 'SMS_1000003' });
    const batch = await insertQueued(bed.context, templateId, Array.from({ length: 300 }, nextPhone), { priority: 5, variables: { name: '批量' } });
    await publishAll(bed.context, batch);
    await waitFor20Sent(batch.map((m) => m.id));

    await bed.workers.stop();

    const { rows } = await bed.context.pool.query<{ id: string; trace_id: string; status: string }>('SELECT id, trace_id, status FROM dispatch.messages');
    expect(rows.filter((row) => row.status === 'processing')).toEqual([]);
    for (const row of rows) expect(bed.sms.deliveries.count(row.trace_id), `${row.id} ${row.status}`).toBe(row.status === 'sent' ? 1 : 0);
    const queued = rows.filter((row) => row.status === 'queued').length;
    expect(queued).toBeGreaterThan(0);
    const ready = await readyCopies(['dispatch.sms.t0', 'dispatch.sms.t1', 'dispatch.sms.t2', 'dispatch.sms.t3']);
    expect(ready).toBe(queued);
  });
});

async function readyCopies(queues: string[]): Promise<number> {
  const connection = await amqplib.connect(bed.context.config.AMQP_URL);
  try {
    const channel = await connection.createChannel();
    let total = 0;
    for (const queue of queues) total += (await channel.checkQueue(bed.context.broker.name(queue))).messageCount;
    return total;
  } finally {
    await connection.close();
  }
}

async function waitFor20Sent(ids: number[]): Promise<void> {
  await waitFor('the backlog to be under way', async () => {
    const { rows } = await bed.context.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM dispatch.messages WHERE id = ANY($1) AND status = 'sent'", [ids]);
    return rows[0]!.n >= 20;
  }, 20_000);
}
