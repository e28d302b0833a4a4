import type { ConsumeMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ZodError } from 'zod';
import { EVENTS_EXCHANGE, type ChatIngested, type Envelope } from '@doitcrm/types';
import { Broker } from './broker.ts';
import { createPool, withTransaction, type Pool } from './db.ts';
import { requestContext } from './logger.ts';
import { enqueueEvent, OutboxRelay } from './outbox.ts';
import { AMQP_URL, captureLogger, openRawAmqp, uniqueNamespace, waitFor, type RawAmqp } from './kit-test-helpers.ts';
import { createTestDatabase, type TestDatabase } from './testing/test-database.ts';

let database: TestDatabase;
let pool: Pool;
let broker: Broker;
let raw: RawAmqp;
let relay: OutboxRelay;
/** What a subscriber of `chat.ingested` under this file's namespace received. */
const received: Envelope<ChatIngested>[] = [];
let listenerQueue: string;

const { logger } = captureLogger();

async function bindListener(): Promise<void> {
  await raw.withChannel((channel) => channel.bindQueue(listenerQueue, broker.name(EVENTS_EXCHANGE), 'chat.ingested'));
}

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ databaseUrl: database.url });
  broker = await Broker.connect({ url: AMQP_URL, namespace: uniqueNamespace(), logger });
  relay = new OutboxRelay({ pool, broker, logger });
  raw = await openRawAmqp();
  // an exclusive queue of the raw connection: RabbitMQ deletes it with the connection
  const channel = await raw.connection.createChannel();
  listenerQueue = (await channel.assertQueue('', { exclusive: true })).queue;
  await channel.consume(listenerQueue, (message: ConsumeMessage | null) => {
    if (message) received.push(JSON.parse(message.content.toString()) as Envelope<ChatIngested>);
  }, { noAck: true });
  await bindListener();
});

afterAll(async () => {
  await relay?.stop();
  await broker?.deleteTopology();
  await broker?.close(1_000);
  await raw?.close();
  await pool?.end();
  await database?.drop();
});

let nextRunId = 1;
const ingested = (): ChatIngested => ({ runId: nextRunId++, inserted: 12, updated: 1, minMsgtime: '2024-03-01T08:00:00.000Z', maxMsgtime: null });

async function outboxRow(id: string) {
  const { rows } = await pool.query<{ published_at: Date | null; attempts: number; last_error: string | null; routing_key: string }>(
    'SELECT published_at, attempts, last_error, routing_key FROM ops.outbox WHERE id = $1', [id],
  );
  return rows[0];
}

describe('transactional outbox', () => {
  test('when the transaction that enqueued an event rolls back, then no outbox row is left and nothing is published', async () => {
    // Arrange
    let enqueued: Envelope<ChatIngested> | undefined;

    // Act
    const outcome = withTransaction(pool, async (client) => {
      enqueued = await enqueueEvent(client, 'chat.ingested', ingested());
      throw new Error('the import failed after enqueueing');
    });

    // Assert
    await expect(outcome).rejects.toThrow('the import failed after enqueueing');
    expect(enqueued).toBeDefined();
    expect(await outboxRow(enqueued!.id)).toBeUndefined();
    await relay.flush();
    expect(received.find((event) => event.id === enqueued!.id)).toBeUndefined();
  });

  test('when the transaction commits, then the relay publishes the event with its envelope and marks the row published', async () => {
    // Arrange
    const payload = ingested();
    const enqueued = await requestContext.run({ requestId: 'req-outbox-1', traceId: 'trace-outbox-committed' }, () =>
      withTransaction(pool, (client) => enqueueEvent(client, 'chat.ingested', payload)));

    // Act
    const published = await relay.flush();
    await waitFor('the event on the exchange', () => received.some((event) => event.id === enqueued.id));

    // Assert
    expect(published).toBeGreaterThanOrEqual(1);
    expect(received.find((event) => event.id === enqueued.id)).toEqual({
      id: enqueued.id,
      type: 'chat.ingested',
      occurredAt: enqueued.occurredAt,
      traceId: 'trace-outbox-committed',
      payload,
    });
    expect(await outboxRow(enqueued.id)).toMatchObject({ published_at: expect.any(Date), attempts: 0, last_error: null, routing_key: 'chat.ingested' });
  });

  test('when RabbitMQ refuses the publish, then the row stays pending with attempts and the error, and a later flush publishes it', async () => {
    // Arrange: the events exchange of this file's namespace disappears (an operator deleted it, say)
    await raw.withChannel((channel) => channel.deleteExchange(broker.name(EVENTS_EXCHANGE)));
    const enqueued = await enqueueEvent(pool, 'chat.ingested', ingested());

    // Act
    const firstPass = await relay.flush();
    const pending = await outboxRow(enqueued.id);
    await raw.withChannel((channel) => channel.assertExchange(broker.name(EVENTS_EXCHANGE), 'topic', { durable: true }));
    await bindListener();
    const secondPass = await relay.flush();
    await waitFor('the event after the exchange is back', () => received.some((event) => event.id === enqueued.id));

    // Assert
    expect(firstPass).toBe(0);
    expect(pending).toMatchObject({ published_at: null, attempts: 1, last_error: expect.stringMatching(/404.*no exchange/) });
    expect(secondPass).toBe(1);
    expect(await outboxRow(enqueued.id)).toMatchObject({ published_at: expect.any(Date), attempts: 1 });
  });

  test('when an event payload does not match its contract, then enqueueing throws a ZodError and writes nothing', async () => {
    // Arrange
    const countRows = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ops.outbox')).rows[0]!.n;
    const before = await countRows();

    // Act
    const outcome = enqueueEvent(pool, 'chat.ingested', { ...ingested(), runId: -1 });

    // Assert
    await expect(outcome).rejects.toBeInstanceOf(ZodError);
    await expect(outcome).rejects.toThrow(/runId/);
    expect(await countRows()).toBe(before);
  });

  test('when the relay is started, then it publishes committed events by itself, and stop ends it', async () => {
    // Arrange
    const polling = new OutboxRelay({ pool, broker, logger, intervalMs: 50 });
    const enqueued = await enqueueEvent(pool, 'chat.ingested', ingested());

    // Act
    polling.start();
    await waitFor('the relay to publish', () => received.some((event) => event.id === enqueued.id));
    await polling.stop();

    // Assert
    expect((await outboxRow(enqueued.id))?.published_at).toBeInstanceOf(Date);
  });
});
