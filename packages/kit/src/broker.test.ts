import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { z } from 'zod';
import { DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE, chatIngestedSchema, type ChatIngested } from '@doitcrm/types';
import { Broker, type BrokerOptions } from './broker.ts';
import { AMQP_URL, captureLogger, openRawAmqp, sleep, uniqueNamespace, waitFor, type LogLine, type RawAmqp } from './kit-test-helpers.ts';

let raw: RawAmqp;

beforeAll(async () => {
  raw = await openRawAmqp();
});
afterAll(async () => {
  await raw?.close();
});

type StartOptions = Partial<BrokerOptions> & { initialRetries?: number };

/**
 * A broker under a namespace of its own, with a back-off short enough for tests. When the test ends, exactly its
 * queues and exchanges are removed, whatever state the test left the broker in.
 */
async function startBroker(queues: string[], options: StartOptions = {}) {
  const { logger, lines } = captureLogger();
  const broker = await Broker.connect({ url: AMQP_URL, namespace: uniqueNamespace(), logger, retryBackoffMs: 10, ...options });
  onTestFinished(async () => {
    await broker.deleteTopology().catch(() => {});
    await broker.close(1_000);
    // a closed broker cannot delete its own topology: make sure over the raw connection (deleting is idempotent)
    await raw.deleteAll({
      queues: queues.flatMap((queue) => [broker.name(queue), `${broker.name(queue)}.dead`]),
      exchanges: [broker.name(EVENTS_EXCHANGE), broker.name(DEAD_LETTER_EXCHANGE)],
    });
  });
  return { broker, lines };
}

const failureLogs = (lines: LogLine[], queue: string) => lines.filter((line) => line.queue === queue && 'deadLettered' in line);

const ingested = (runId: number): ChatIngested => ({ runId, inserted: 3, updated: 0, minMsgtime: null, maxMsgtime: null });

describe('Broker publishing and consuming', () => {
  test('when a job is sent, then the publish is confirmed and the consumer gets the payload as its schema parsed it, and acks it', async () => {
    // Arrange
    const { broker } = await startBroker(['greetings']);
    const received: Array<{ payload: unknown; envelope: unknown }> = [];
    await broker.consume({
      queue: 'greetings',
      schema: z.object({ name: z.string().trim() }),
      handle: async (payload, envelope) => { received.push({ payload, envelope }); },
    });

    // Act
    const sent = await broker.sendJob('greetings', { name: '  小明 ', notInSchema: true });
    await waitFor('the delivery', () => received.length === 1);
    await broker.close();

    // Assert
    expect(received[0]!.payload).toEqual({ name: '小明' });
    expect(received[0]!.envelope).toMatchObject({ id: sent.id, type: 'greetings', traceId: sent.traceId, occurredAt: sent.occurredAt });
    // had it not been acked, closing the connection would have put it back
    await sleep(200);
    expect(await raw.messageCount(broker.name('greetings'))).toBe(0);
    expect(await raw.messageCount(`${broker.name('greetings')}.dead`)).toBe(0);
  });

  test('when the prefetch is 2 and the handler is slow, then never more than 2 messages are handled at once', async () => {
    // Arrange
    const { broker } = await startBroker(['slow']);
    let running = 0;
    let mostAtOnce = 0;
    let handled = 0;
    await broker.consume({
      queue: 'slow',
      prefetch: 2,
      schema: z.object({ n: z.number() }),
      handle: async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await sleep(150);
        running -= 1;
        handled += 1;
      },
    });

    // Act
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => broker.sendJob('slow', { n })));
    await waitFor('all six handled', () => handled === 6);

    // Assert
    expect(mostAtOnce).toBe(2);
  });

  test('when a payload does not match the schema, then it goes straight to <queue>.dead without reaching the handler or being retried', async () => {
    // Arrange
    const { broker, lines } = await startBroker(['strict']);
    let handlerCalls = 0;
    await broker.consume({
      queue: 'strict',
      maxAttempts: 5,
      schema: z.object({ n: z.number() }),
      handle: async () => { handlerCalls += 1; },
    });

    // Act
    const sent = await broker.sendJob('strict', { n: 'seven' });
    const dead = await raw.take(`${broker.name('strict')}.dead`);

    // Assert
    expect(JSON.parse(dead.content.toString())).toMatchObject({ id: sent.id, payload: { n: 'seven' } });
    const deaths: unknown = dead.properties.headers?.['x-death'];
    expect(deaths).toEqual([expect.objectContaining({ queue: broker.name('strict'), reason: 'rejected', count: 1 })]);
    expect(handlerCalls).toBe(0);
    expect(failureLogs(lines, 'strict')).toEqual([
      expect.objectContaining({ messageId: sent.id, attempts: 1, deadLettered: true, msg: 'message failed; sent to the dead-letter queue' }),
    ]);
  });

  test('when a handler throws twice, then the message is retried and the third attempt succeeds', async () => {
    // Arrange
    const { broker, lines } = await startBroker(['flaky']);
    const attempts: string[] = [];
    await broker.consume({
      queue: 'flaky',
      maxAttempts: 5,
      schema: z.object({ n: z.number() }),
      handle: async (_payload, envelope) => {
        attempts.push(envelope.id);
        if (attempts.length < 3) throw new Error('WeCom answered 502');
      },
    });

    // Act
    const sent = await broker.sendJob('flaky', { n: 1 });
    await waitFor('the third attempt', () => attempts.length === 3);
    await broker.close();

    // Assert
    expect(attempts).toEqual([sent.id, sent.id, sent.id]);
    expect(failureLogs(lines, 'flaky').map((line) => [line.attempts, line.deadLettered])).toEqual([[1, false], [2, false]]);
    await sleep(200);
    expect(await raw.messageCount(broker.name('flaky'))).toBe(0);
    expect(await raw.messageCount(`${broker.name('flaky')}.dead`)).toBe(0);
  });

  test('when a handler always throws, then the message ends in <queue>.dead after maxAttempts attempts', async () => {
    // Arrange
    const { broker, lines } = await startBroker(['doomed']);
    let attempts = 0;
    await broker.consume({
      queue: 'doomed',
      maxAttempts: 3,
      schema: z.object({ n: z.number() }),
      handle: async () => {
        attempts += 1;
        throw new Error('always fails');
      },
    });

    // Act
    const sent = await broker.sendJob('doomed', { n: 1 });
    const dead = await raw.take(`${broker.name('doomed')}.dead`);

    // Assert
    expect(JSON.parse(dead.content.toString())).toMatchObject({ id: sent.id, type: 'doomed', payload: { n: 1 } });
    expect(attempts).toBe(3);
    expect(failureLogs(lines, 'doomed').map((line) => [line.attempts, line.deadLettered])).toEqual([[1, false], [2, false], [3, true]]);
  });

  test('when an event is published, then a queue bound to its routing key gets it and one bound to other keys does not', async () => {
    // Arrange
    const { broker } = await startBroker(['ingested']);
    const received: Array<{ payload: ChatIngested; type: string }> = [];
    await broker.consume({
      queue: 'ingested',
      events: ['chat.ingested'],
      schema: chatIngestedSchema,
      handle: async (payload, envelope) => { received.push({ payload, type: envelope.type }); },
    });

    // Act
    await broker.publishEvent('chat.deleted', ingested(1));
    const published = await broker.publishEvent('chat.ingested', ingested(2));
    await waitFor('the event', () => received.length === 1);

    // Assert: the queue is FIFO, so the unmatched event would have arrived first
    expect(received).toEqual([{ payload: published.payload, type: 'chat.ingested' }]);
  });

  test('when a service declares an exchange of its own, then envelopes published to it reach a bound queue and deleteTopology removes it', async () => {
    // Arrange
    const { broker } = await startBroker([]);
    await broker.assertExchange('kit-test.send', 'topic');
    const exchange = broker.name('kit-test.send');
    const queue = await raw.withChannel(async (channel) => {
      const declared = await channel.assertQueue('', { exclusive: false, autoDelete: false, durable: false });
      await channel.bindQueue(declared.queue, exchange, 'sms.#');
      return declared.queue;
    });
    onTestFinished(() => raw.deleteAll({ queues: [queue] }));
    const envelope = broker.createEnvelope('kit-test.sent', { n: 1 });

    // Act
    await broker.publishEnvelope(exchange, 'sms.t3', envelope);
    const message = await raw.take(queue);
    await broker.deleteTopology();

    // Assert
    expect(JSON.parse(message.content.toString())).toEqual(envelope);
    await expect(raw.withChannel((channel) => channel.checkExchange(exchange))).rejects.toThrow(/404/);
  });

  test('when a mandatory publish has no queue bound for its key, then it rejects naming the key, while a routable one and a plain one resolve', async () => {
    // Arrange
    const { broker } = await startBroker([]);
    await broker.assertExchange('kit-test.mandatory', 'topic');
    const exchange = broker.name('kit-test.mandatory');
    const queue = await raw.withChannel(async (channel) => {
      const declared = await channel.assertQueue('', { exclusive: false, autoDelete: false, durable: false });
      await channel.bindQueue(declared.queue, exchange, 'bound.#');
      return declared.queue;
    });
    onTestFinished(() => raw.deleteAll({ queues: [queue] }));

    // Act
    const unroutable = broker.publishEnvelope(exchange, 'nowhere.t0', broker.createEnvelope('kit-test.sent', { n: 1 }), { mandatory: true });
    const routable = broker.publishEnvelope(exchange, 'bound.t0', broker.createEnvelope('kit-test.sent', { n: 2 }), { mandatory: true });
    const plain = broker.publishEnvelope(exchange, 'nowhere.t0', broker.createEnvelope('kit-test.sent', { n: 3 }));

    // Assert
    await expect(unroutable).rejects.toThrow(/nowhere\.t0.*no queue is bound/);
    await expect(routable).resolves.toBeUndefined();
    await expect(plain).resolves.toBeUndefined();
    expect(await raw.messageCount(queue)).toBe(1);
  });

  test('when the broker is closed while a handler runs, then close waits for it to finish and ack, and takes no new message', async () => {
    // Arrange
    const { broker } = await startBroker(['graceful']);
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => { started = resolve; });
    const finished: number[] = [];
    await broker.consume({
      queue: 'graceful',
      prefetch: 1,
      schema: z.object({ n: z.number() }),
      handle: async ({ n }) => {
        started();
        await sleep(300);
        finished.push(n);
      },
    });
    await broker.sendJob('graceful', { n: 1 });
    await broker.sendJob('graceful', { n: 2 });
    await firstStarted;

    // Act
    await broker.close();

    // Assert
    expect(finished).toEqual([1]);
    await sleep(200);
    expect(await raw.messageCount(broker.name('graceful'))).toBe(1);
  });

  test('when publishing after close, then it rejects at once instead of waiting', async () => {
    // Arrange
    const { broker } = await startBroker([]);
    await broker.close();

    // Act
    const outcome = broker.publishEvent('chat.ingested', ingested(1));

    // Assert
    await expect(outcome).rejects.toThrow('broker is closing');
  });

  test('when RabbitMQ is unreachable, then connecting rejects within a second with an error naming the address but not the password', async () => {
    // Arrange
    const startedAt = Date.now();

    // Act
    const outcome = await Promise.race([
      Broker.connect({ url: 'amqp://guest:guest@127.0.0.1:1', namespace: uniqueNamespace(), logger: captureLogger().logger, initialRetries: 0 })
        .then(() => 'connected', (error: unknown) => error),
      sleep(5_000).then(() => 'still pending after 5 s'),
    ]);

    // Assert
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/^could not connect to RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1.*ECONNREFUSED/);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  test('when a publish fails with a channel error, then the broker opens a new channel and later publishes succeed', async () => {
    // Arrange
    const { broker } = await startBroker(['after-error']);
    const received: number[] = [];
    await broker.consume({
      queue: 'after-error',
      events: ['chat.ingested'],
      schema: chatIngestedSchema,
      handle: async ({ runId }) => { received.push(runId); },
    });

    // Act: RabbitMQ closes the channel of a publish to a missing exchange (404)
    const failed = await broker.publishEnvelope(broker.name('no-such-exchange'), 'x', broker.createEnvelope('x', {})).catch((error: unknown) => error);
    await broker.publishEvent('chat.ingested', ingested(7));
    await waitFor('the event after the channel error', () => received.length === 1);

    // Assert
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/^RabbitMQ did not take x: .*404.*no exchange/);
    expect(received).toEqual([7]);
    expect(broker.isConnected).toBe(true);
  });
});
