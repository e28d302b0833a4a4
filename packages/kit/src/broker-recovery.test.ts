import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Broker } from './broker.ts';
import { AMQP_URL, captureLogger, openRawAmqp, uniqueNamespace, waitFor } from './kit-test-helpers.ts';
import { uniqueSuffix } from './testing/unique.ts';

// `rabbitmqctl` of the local node; RABBITMQCTL may name another command line (e.g. `docker exec rabbit rabbitmqctl`)
const [rabbitmqctlCommand, ...rabbitmqctlPrefix] = (process.env.RABBITMQCTL ?? 'rabbitmqctl').split(' ');

async function rabbitmqctl(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(rabbitmqctlCommand!, [...rabbitmqctlPrefix, ...args], { timeout: 30_000 });
  return stdout;
}

/**
 * Server pids of the connections that carry exactly this connection name. The table output is used because the
 * JSON formatter prints pids as `#PID<…>`, which `close_connection` does not accept.
 */
async function connectionPids(connectionName: string): Promise<string[]> {
  const table = await rabbitmqctl(['list_connections', '-q', '--no-table-headers', 'pid', 'client_properties']);
  return table.split('\n')
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0]!);
}

let broker: Broker | undefined;

afterEach(async () => {
  await broker?.deleteTopology();
  await broker?.close(1_000);
  broker = undefined;
});

describe('Broker connection recovery', () => {
  test('when RabbitMQ force-closes the connection, then the broker reconnects by itself and publishing and consuming work again', async () => {
    // Arrange
    const connectionName = `test.kit.recovery.${uniqueSuffix()}`;
    const { logger, lines } = captureLogger();
    broker = await Broker.connect({ url: AMQP_URL, namespace: uniqueNamespace(), logger, connectionName, retryBackoffMs: 10 });
    const received: number[] = [];
    await broker.consume({ queue: 'survivor', schema: z.object({ n: z.number() }), handle: async ({ n }) => { received.push(n); } });
    await broker.sendJob('survivor', { n: 1 });
    await waitFor('the delivery before the drop', () => received.length === 1);
    const before = await connectionPids(connectionName);
    expect(before).toHaveLength(1);

    // Act: close this one connection (no other), the way a network cut or a broker-side kill would
    await rabbitmqctl(['close_connection', before[0]!, 'test: simulated connection loss']);
    await waitFor('the broker to notice the drop', () => !broker!.isConnected);
    // published while disconnected: waits for the reconnection instead of failing or hanging
    await broker.sendJob('survivor', { n: 2 });
    await waitFor('the delivery after the reconnection', () => received.includes(2));

    // Assert
    expect(received).toEqual([1, 2]);
    expect(broker.isConnected).toBe(true);
    const after = await connectionPids(connectionName);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    expect(lines.map((line) => line.msg)).toContain('RabbitMQ connection lost; reconnecting');
  });

  test('when RabbitMQ closes only the consumer channel, then the consumer is reopened and receives again', async () => {
    // Arrange
    const { logger, lines } = captureLogger();
    broker = await Broker.connect({ url: AMQP_URL, namespace: uniqueNamespace(), logger, retryBackoffMs: 10 });
    const received: number[] = [];
    await broker.consume({ queue: 'channel-survivor', schema: z.object({ n: z.number() }), handle: async ({ n }) => { received.push(n); } });
    await broker.sendJob('channel-survivor', { n: 1 });
    await waitFor('the first delivery', () => received.length === 1);
    // what consumer_timeout does to a long job: the server closes that channel, the connection stays
    const consumers = (broker as unknown as { consumerChannels: Map<string, { channel: { ack(message: object): void } }> }).consumerChannels;
    consumers.get('channel-survivor')!.channel.ack({ fields: { deliveryTag: 999_999 } });

    // Act
    await waitFor('the reopening', () => lines.some((line) => line.msg === 'RabbitMQ closed the consumer channel; reopening it'));
    await broker.sendJob('channel-survivor', { n: 2 });
    await waitFor('the delivery after the reopening', () => received.includes(2), 10_000);

    // Assert
    expect(received).toEqual([1, 2]);
    expect(broker.isConnected).toBe(true);
  });

  test('when RabbitMQ force-closes the connection, then a declared topology is asserted again and a raw consumer receives again', async () => {
    // Arrange
    const connectionName = `test.kit.recovery.${uniqueSuffix()}`;
    broker = await Broker.connect({ url: AMQP_URL, namespace: uniqueNamespace(), logger: captureLogger().logger, connectionName });
    const exchange = broker.name('raw.facts');
    const queue = broker.name('raw.facts.q');
    await broker.declareTopology(async (channel) => {
      await channel.assertExchange(exchange, 'topic', { durable: true });
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await channel.bindQueue(queue, exchange, '#');
      return { queues: [queue], exchanges: [exchange] };
    });
    const received: number[] = [];
    await broker.consumeRaw({ queues: ['raw.facts.q'], prefetch: 5, onMessage: (delivery) => {
      received.push((JSON.parse(delivery.message.content.toString()) as { payload: { n: number } }).payload.n);
      delivery.ack();
    } });
    const envelope = (n: number) => ({ id: randomUUID(), type: 'test.raw', occurredAt: new Date().toISOString(), traceId: randomUUID(), payload: { n } });
    await broker.publishEnvelope(exchange, 'a', envelope(1));
    await waitFor('the delivery before the drop', () => received.length === 1);
    // gone while connected: only a re-declaration after the reconnect brings it back
    const raw = await openRawAmqp();
    await raw.withChannel((channel) => channel.deleteExchange(exchange)).finally(() => raw.close());

    // Act
    await rabbitmqctl(['close_connection', (await connectionPids(connectionName))[0]!, 'test: simulated connection loss']);
    await waitFor('the broker to notice the drop', () => !broker!.isConnected);
    await broker.publishEnvelope(exchange, 'a', envelope(2));

    // Assert
    await waitFor('the delivery after the reconnection', () => received.includes(2), 15_000);
    expect(received).toEqual([1, 2]);
  });
});
