import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { Broker, type RawDelivery } from './broker.ts';
import { AMQP_URL, captureLogger, openRawAmqp, uniqueNamespace, waitFor } from './kit-test-helpers.ts';

let broker: Broker | undefined;

afterEach(async () => {
  await broker?.deleteTopology();
  await broker?.close(1_000);
  broker = undefined;
});

const envelope = (n: number) => ({ id: randomUUID(), type: 'test.raw', occurredAt: new Date().toISOString(), traceId: randomUUID(), payload: { n } });

describe('Broker topology hook and raw consumer', () => {
  test('when a raw consumer\'s prefetch is raised, then more messages are in hand at once, and those taken before can still be acked', async () => {
    // Arrange
    broker = await Broker.connect({ url: AMQP_URL, namespace: uniqueNamespace(), logger: captureLogger().logger });
    const queue = broker.name('raw.work');
    await broker.declareTopology(async (channel) => {
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      return { queues: [queue], exchanges: [] };
    });
    const held: RawDelivery[] = [];
    const consumer = await broker.consumeRaw({ queues: ['raw.work'], prefetch: 1, onMessage: (delivery) => held.push(delivery) });
    for (let n = 1; n <= 5; n += 1) await broker.publishEnvelope('', queue, envelope(n));
    await waitFor('one in hand', () => held.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(held).toHaveLength(1);

    // Act: the new subscription takes 3 besides the one the old one still holds
    await consumer.setPrefetch(3);
    await waitFor('four in hand', () => held.length === 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(held).toHaveLength(4);
    for (const delivery of held.splice(0)) delivery.ack();
    await waitFor('the last one', () => held.length === 1);
    held[0]!.ack();

    // Assert
    const raw = await openRawAmqp();
    try {
      await waitFor('the queue to be empty and nothing unacknowledged', () => raw.withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount === 0));
    } finally {
      await raw.close();
    }
  });

  test('when a raw consumer hands a message back, then its second delivery is logged as a redelivery reaching the handler, and the first is not', async () => {
    // Arrange
    const capture = captureLogger();
    broker = await Broker.connect({ url: AMQP_URL, namespace: uniqueNamespace(), logger: capture.logger });
    const queue = broker.name('raw.redelivered');
    await broker.declareTopology(async (channel) => {
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      return { queues: [queue], exchanges: [] };
    });
    const held: RawDelivery[] = [];
    await broker.consumeRaw({ queues: ['raw.redelivered'], prefetch: 1, onMessage: (delivery) => held.push(delivery) });
    await broker.publishEnvelope('', queue, envelope(1));
    await waitFor('the first delivery', () => held.length === 1);
    const redeliveries = () => capture.lines.filter((line) => line.msg === 'redelivered message reached its handler');
    expect(redeliveries()).toHaveLength(0);

    // Act
    held[0]!.nack(true);
    await waitFor('the second delivery', () => held.length === 2);
    held[1]!.ack();

    // Assert
    expect(held[1]!.message.fields.redelivered).toBe(true);
    expect(redeliveries()).toHaveLength(1);
  });

  test('when a test removes the topology, then the declared queues and exchanges are gone', async () => {
    // Arrange
    broker = await Broker.connect({ url: AMQP_URL, namespace: uniqueNamespace(), logger: captureLogger().logger });
    const exchange = broker.name('raw.exchange');
    const queue = broker.name('raw.bound');
    await broker.declareTopology(async (channel) => {
      await channel.assertExchange(exchange, 'topic', { durable: true });
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, exchange, '#');
      return { queues: [queue], exchanges: [exchange] };
    });

    // Act
    await broker.deleteTopology();

    // Assert
    const raw = await openRawAmqp();
    try {
      const exists = (check: (channel: import('amqplib').Channel) => Promise<unknown>) => raw.withChannel(check).then(() => true, () => false);
      expect(await exists((channel) => channel.checkQueue(queue))).toBe(false);
      expect(await exists((channel) => channel.checkExchange(exchange))).toBe(false);
    } finally {
      await raw.close();
    }
  });
});
