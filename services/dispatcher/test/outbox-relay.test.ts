import amqplib from 'amqplib';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, useTestApp, waitFor } from '@doitcrm/kit/testing';
import type { Envelope } from '@doitcrm/types';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { SendAccepted, Template } from '../src/contract.ts';
import { createDuePoller } from '../src/queue/due-poller.ts';
import { DispatchOutboxRelay } from '../src/queue/outbox-relay.ts';
import { SEND_EXCHANGE } from '../src/queue/topology.ts';
import { batchRows, createTemplateThroughApi } from './send-test-helpers.ts';

interface Delivery { routingKey: string; envelope: Envelope<{ messageId: number; attempt: number }> }

let relay: DispatchOutboxRelay;
// off while a test stages rows for one explicit relay pass
let nudgeOnSend = false;
const t = useTestApp('dispatcher', dispatcherConfigShape, (context) => createDispatcherApp(context, { queued: () => { if (nudgeOnSend) relay.nudge(); } }), {
  roles: ['staff'],
  async prepare(context) {
    // a timer far away: only flush() and nudges publish, so each test sees what it caused
    relay = new DispatchOutboxRelay({ pool: context.pool, broker: context.broker, logger: context.logger, intervalMs: 600_000 });
    await relay.start();
  },
});

// a temporary queue bound to everything on SEND_EXCHANGE, standing in for the channel workers
const deliveries: Delivery[] = [];
let connection: amqplib.ChannelModel;
let listener: { channel: amqplib.Channel; queue: string };
beforeAll(async () => {
  connection = await amqplib.connect(t.context.config.AMQP_URL);
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  listener = { channel, queue };
  await channel.bindQueue(queue, t.context.broker.name(SEND_EXCHANGE), '#');
  await channel.consume(queue, (message) => {
    if (message) deliveries.push({ routingKey: message.fields.routingKey, envelope: JSON.parse(message.content.toString()) as Delivery['envelope'] });
  }, { noAck: true });
});
afterAll(async () => {
  await relay?.stop();
  await connection?.close();
});

const post = (path: string, body: object) => supertest(t.app).post(path).set('Cookie', t.cookies.staff).send(body);
const received = (traceIds: string[]) => waitFor(`deliveries of ${traceIds.length} trace ids`,
  () => traceIds.every((traceId) => deliveries.some((delivery) => delivery.envelope.traceId === traceId)), 5_000);
const outboxCount = async () => (await t.context.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dispatch.outbox')).rows[0]!.n;
let email: Template;

describe('dispatch outbox relay and due poller', () => {
  it('when a bulk batch is waiting and an urgent message arrives, then one relay pass publishes the urgent one first and deletes every published row', async () => {
    email = await createTemplateThroughApi(t.app, t.cookies.staff, { channel: 'email', subject: '通知', body: '<p>{{name}}</p>' });
    const bulk = (await post('/api/messages/send-batch', { template_id: email.id, recipients: ['a1@example.com', 'a2@example.com', 'a3@example.com'], variables: { name: 'x' }, priority: 1 })).body as SendAccepted;
    const urgent = (await post('/api/messages/send', { template_id: email.id, recipient: 'boss@example.com', variables: { name: 'y' }, priority: 10 })).body as SendAccepted;
    const start = deliveries.length;

    const published = await relay.flush();

    expect(published).toBe(4);
    await received([...bulk.traceIds, urgent.traceId!]);
    const ours = deliveries.slice(start);
    expect(ours.map((delivery) => delivery.envelope.traceId)).toEqual([urgent.traceId, ...bulk.traceIds]);
    expect(ours.map((delivery) => delivery.routingKey)).toEqual(['email.t3', 'email.t0', 'email.t0', 'email.t0']);
    const [urgentRow] = (await batchRows(t.context.pool, urgent.batchId)).messages;
    expect(ours[0]!.envelope).toMatchObject({ type: 'dispatch.send', traceId: urgent.traceId, payload: { messageId: urgentRow!.id, attempt: 0 } });
    expect(await outboxCount()).toBe(0);
  });

  it('when a send commits, then the relay is nudged and publishes it without waiting for its timer', async () => {
    nudgeOnSend = true;
    try {
      const response = await post('/api/messages/send', { template_id: email.id, recipient: 'nudge@example.com', variables: { name: 'z' } });
      const acceptedAt = performance.now();

      await received([(response.body as SendAccepted).traceId!]);
      console.log(`acceptance → delivery to the bound queue: ${(performance.now() - acceptedAt).toFixed(0)} ms`);
      expect(await outboxCount()).toBe(0);
    } finally {
      nudgeOnSend = false;
    }
  });

  it('when no queue is bound for a row\'s routing key, then the relay keeps the row instead of losing it, and publishes it once the queue is bound', async () => {
    const exchange = t.context.broker.name(SEND_EXCHANGE);
    await listener.channel.unbindQueue(listener.queue, exchange, '#');
    const response = (await post('/api/messages/send', { template_id: email.id, recipient: 'unbound@example.com', variables: { name: 'u' } })).body as SendAccepted;

    const whileUnbound = await relay.flush().catch(() => -1);
    const kept = await outboxCount();
    await listener.channel.bindQueue(listener.queue, exchange, '#');
    const onceBound = await relay.flush();

    expect([whileUnbound, kept, onceBound]).toEqual([0, 1, 1]);
    await received([response.traceId!]);
    expect(await outboxCount()).toBe(0);
  });

  it('when a held message comes due and a deferred one is due again, then the poller queues both with outbox rows and a queued trace, and the relay publishes them', async () => {
    const poller = createDuePoller({ pool: t.context.pool, logger: t.context.logger, released: () => relay.nudge(), intervalMs: 600_000 });
    const held = (await post('/api/messages/send', { template_id: email.id, recipient: 'later@example.com', variables: { name: 'h' }, send_at: new Date(Date.now() + 1_500).toISOString() })).body as SendAccepted;
    const deferred = (await post('/api/messages/send', { template_id: email.id, recipient: 'deferred@example.com', variables: { name: 'd' } })).body as SendAccepted;
    await relay.flush();
    await t.context.pool.query("UPDATE dispatch.messages SET status = 'deferred', attempts = 2, due_at = now() - interval '1 second' WHERE trace_id = $1", [deferred.traceId]);

    await poller.drain();
    const early = (await batchRows(t.context.pool, held.batchId)).messages[0];
    await sleep(1_600);
    await poller.drain();

    expect(early).toMatchObject({ status: 'pending' });
    await received([held.traceId!, deferred.traceId!]);
    const heldRows = await batchRows(t.context.pool, held.batchId);
    expect(heldRows.messages[0]).toMatchObject({ status: 'queued', dueAt: null });
    expect(heldRows.traces.map((trace) => [trace.stage, trace.detail.reason ?? trace.detail.from])).toEqual([['held', 'send_at'], ['queued', 'pending']]);
    const deferredRows = await batchRows(t.context.pool, deferred.batchId);
    expect(deferredRows.traces.at(-1)).toMatchObject({ stage: 'queued', detail: { from: 'deferred' } });
    expect(deliveries.find((delivery) => delivery.envelope.traceId === deferred.traceId && delivery.envelope.payload.attempt === 2)).toBeDefined();
    await poller.stop();
  });

  it('when two pollers release the same 60 due rows at once, then each row is queued once with one outbox row', async () => {
    const pollers = [1, 2].map(() => createDuePoller({ pool: t.context.pool, logger: t.context.logger, released: () => {}, batchSize: 10, intervalMs: 600_000 }));
    const recipients = Array.from({ length: 60 }, (_, index) => `due${index}@example.com`);
    const batch = (await post('/api/messages/send-batch', { template_id: email.id, recipients, variables: { name: 'p' }, send_at: new Date(Date.now() + 300).toISOString() })).body as SendAccepted;
    await sleep(400);

    const released = await Promise.all(pollers.map((poller) => poller.drain()));

    expect(released[0]! + released[1]!).toBe(60);
    const { messages, outbox } = await batchRows(t.context.pool, batch.batchId);
    expect(messages.every((message) => message.status === 'queued')).toBe(true);
    expect(new Set(outbox.map((row) => row.messageId)).size).toBe(60);
    expect(outbox).toHaveLength(60);
    await relay.flush();
  });
});
