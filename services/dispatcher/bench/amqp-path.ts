// The raw amqplib path every case of the dispatcher benchmark shares: the message as the outbox relay will publish it
// (a kit envelope of dispatch.send, with the properties the kit Broker sets), a publisher with confirms, and a
// consumer with manual acks and a bounded prefetch. The cases differ only in the queues and how a message is
// addressed, so their ratios measure the queue design and nothing else.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { DispatchSend, Envelope } from '@doitcrm/types';

export const DISPATCH_SEND_TYPE = 'dispatch.send';

/** Where one message goes: an exchange and routing key, and the AMQP priority when the queue has levels. */
export interface Address {
  exchange: string;
  routingKey: string;
  priority?: number;
}

export interface Outgoing {
  id: string;
  traceId: string;
  body: Buffer;
}

/** One dispatch.send envelope, serialised as the kit Broker serialises it; its id is the AMQP message id. */
export function dispatchSendMessage(messageId: number): Outgoing {
  const envelope: Envelope<DispatchSend> = {
    id: randomUUID(), type: DISPATCH_SEND_TYPE, occurredAt: new Date().toISOString(), traceId: randomUUID(), payload: { messageId, attempt: 0 },
  };
  return { id: envelope.id, traceId: envelope.traceId, body: Buffer.from(JSON.stringify(envelope)) };
}

/** Publishes one message with the properties kit Broker.publishEnvelope gives it (persistent, typed, trace id). */
export async function publishOne(channel: ConfirmChannel, address: Address, message: Outgoing): Promise<void> {
  const written = channel.publish(address.exchange, address.routingKey, message.body, {
    persistent: true,
    contentType: 'application/json',
    messageId: message.id,
    type: DISPATCH_SEND_TYPE,
    headers: { traceId: message.traceId },
    ...(address.priority === undefined ? {} : { priority: address.priority }),
  });
  // a full socket buffer: wait rather than let amqplib queue without bound
  if (!written) await once(channel, 'drain');
}

/**
 * Publishes `count` messages, waiting for the broker's confirms after every `confirmBatch` (the relay's pattern: a
 * confirm per message costs 10–17× the rate, perf anchors §3.2). `addressOf(i)` picks each one's queue.
 */
export async function publishMany(channel: ConfirmChannel, options: {
  count: number; firstMessageId: number; confirmBatch: number; addressOf: (i: number) => Address;
  onPublished?: (message: Outgoing, i: number) => void;
}): Promise<void> {
  for (let i = 0; i < options.count; i += 1) {
    const message = dispatchSendMessage(options.firstMessageId + i);
    options.onPublished?.(message, i);
    await publishOne(channel, options.addressOf(i), message);
    if ((i + 1) % options.confirmBatch === 0) await channel.waitForConfirms();
  }
  await channel.waitForConfirms();
}

export interface Consumer {
  /** messages acked so far, per queue */
  readonly acked: Map<string, number>;
  total(): number;
  /** Resolves once `count` messages in all were acked (rejects if the channel closes first). */
  until(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * One channel consuming from every queue given, `prefetch` unacknowledged messages per queue (RabbitMQ's per-consumer
 * QoS; quorum queues have no channel-wide one). Each delivery is worked on for `serviceMs` (a channel call, say)
 * while the others go on, then `onDone` sees it and it is acked, as a channel worker acks after the send.
 */
export async function startConsumer(connection: ChannelModel, options: {
  queues: readonly string[]; prefetch: number; serviceMs?: number; onDone?: (message: ConsumeMessage, queue: string) => void;
}): Promise<Consumer> {
  const channel: Channel = await connection.createChannel();
  const acked = new Map(options.queues.map((queue) => [queue, 0]));
  let total = 0;
  let closedBecause: Error | undefined;
  const waiters: Array<{ count: number; resolve: () => void; reject: (error: Error) => void }> = [];
  const settle = () => {
    for (const waiter of [...waiters]) {
      if (total >= waiter.count) waiter.resolve();
      else if (closedBecause) waiter.reject(closedBecause);
      else continue;
      waiters.splice(waiters.indexOf(waiter), 1);
    }
  };
  channel.on('error', (error: Error) => { closedBecause = error; });
  channel.on('close', () => {
    closedBecause ??= new Error('the consumer channel closed');
    settle();
  });
  const done = (message: ConsumeMessage, queue: string) => {
    options.onDone?.(message, queue);
    try {
      channel.ack(message);
    } catch {
      return; // the channel is gone (clean-up after Ctrl-C); the broker requeues, nothing to count
    }
    acked.set(queue, acked.get(queue)! + 1);
    total += 1;
    settle();
  };
  for (const queue of options.queues) {
    await channel.prefetch(options.prefetch);
    await channel.consume(queue, (message) => {
      // null: the queue was deleted under the consumer (clean-up); the close handler settles the waiters
      if (!message) return;
      if (options.serviceMs) setTimeout(() => done(message, queue), options.serviceMs);
      else done(message, queue);
    }, { noAck: false });
  }
  return {
    acked,
    total: () => total,
    until: (count) => new Promise<void>((resolve, reject) => {
      waiters.push({ count, resolve, reject });
      settle();
    }),
    close: () => channel.close().catch(() => {}),
  };
}

/** A confirm channel whose errors are kept, not thrown from an event emitter with no listener. */
export async function openPublisher(connection: ChannelModel): Promise<ConfirmChannel> {
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => {});
  return channel;
}
