import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, RecoveringChannelModel } from 'amqplib';
import { redactUrl } from '@doitcrm/db';
import { DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE, envelopeSchema, type Envelope } from '@doitcrm/types';
import { isConnectionLoss } from './db.ts';
import { ValidationError } from './errors.ts';
import { requestContext } from './logger.ts';
import type { BrokerOptions, ConsumerSpec, DeclaredTopology, RawConsumer, RawConsumerSpec, TopologySetup } from './broker-types.ts';

export type {
  BrokerOptions, ConsumerSpec, DeclaredTopology, RawConsumer, RawConsumerSpec, RawDelivery, TopologySetup,
} from './broker-types.ts';

/** A raw consumer's subscription: re-made on its channel by setPrefetch, and on a new channel after a reconnect. */
type RawSubscription = { spec: RawConsumerSpec; channel?: Channel; tags: string[]; cancelled: boolean };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MAX_DELIVERIES = 20;
const OUTAGE_PATIENCE_MS = 20 * 60_000;

/**
 * RabbitMQ as the suite uses it: a connection that recovers from broker restarts (amqplib's opt-in recovery,
 * topology and consumers re-declared after every reconnect), publishing with confirms, consuming with manual
 * ack and bounded prefetch, poison messages dead-lettered instead of requeued forever.
 */
export class Broker {
  private connection: RecoveringChannelModel | undefined;
  private publishChannel: ConfirmChannel | undefined;
  private readonly consumers: Array<ConsumerSpec<unknown>> = [];
  private readonly consumerChannels = new Map<string, { channel: Channel; tag: string }>();
  private readonly declaredQueues = new Set<string>();
  private readonly topologies: TopologySetup[] = [];
  private readonly topologyNames: DeclaredTopology = { queues: [], exchanges: [] };
  private readonly rawConsumers: RawSubscription[] = [];
  /** Why the server closed a publish channel, to tell publishers more than amqplib's "channel closed". */
  private readonly channelErrors = new WeakMap<Channel, Error>();
  /** Message ids of mandatory publishes RabbitMQ handed back unroutable; it returns a message before confirming it. */
  private readonly returned = new Set<string>();
  private inFlight = 0;
  private closing = false;
  private connected = false;

  private constructor(private readonly options: BrokerOptions) {}

  static async connect(options: BrokerOptions & { initialRetries?: number }): Promise<Broker> {
    const broker = new Broker(options);
    const connection = await amqplib.connect(options.url, {
      ...(options.connectionName ? { clientProperties: { connection_name: options.connectionName } } : {}),
      recovery: {
        initialDelay: 200,
        maxDelay: 5_000,
        maxRetries: Infinity,
        initialMaxRetries: options.initialRetries ?? 3,
        setup: async (model: ChannelModel) => broker.setup(model),
      },
    }).catch((error: unknown) => {
      // amqplib says only "connect ECONNREFUSED 127.0.0.1:1"; say what could not be reached (without the password)
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`could not connect to RabbitMQ at ${redactUrl(options.url)}: ${reason}`, { cause: error });
    });
    connection.on('disconnect', (error: Error) => {
      broker.connected = false;
      if (!broker.closing) options.logger.warn({ err: error }, 'RabbitMQ connection lost; reconnecting');
    });
    connection.on('connect', () => options.logger.info('RabbitMQ connected'));
    connection.on('error', (error: Error) => options.logger.warn({ err: error }, 'RabbitMQ connection error'));
    broker.connection = connection;
    return broker;
  }

  /** Names carry the namespace so installations and test runs can share one broker. */
  name(logical: string): string {
    return `${this.options.namespace}${logical}`;
  }

  get isConnected(): boolean {
    return this.connected && !this.closing;
  }

  private async setup(model: ChannelModel): Promise<void> {
    const channel = await this.openPublishChannel(model);
    await channel.assertExchange(this.name(EVENTS_EXCHANGE), 'topic', { durable: true });
    await channel.assertExchange(this.name(DEAD_LETTER_EXCHANGE), 'topic', { durable: true });
    for (const queue of this.declaredQueues) await this.assertWorkQueue(channel, queue);
    for (const topology of this.topologies) this.rememberTopology(await topology(channel));
    this.publishChannel = channel;
    this.consumerChannels.clear();
    for (const spec of this.consumers) await this.startConsumer(model, spec);
    for (const raw of this.rawConsumers) if (!raw.cancelled) await this.startRawConsumer(model, raw);
    this.connected = true;
  }

  /**
   * A channel error (a publish to a missing exchange, say) closes that channel but not the connection, so
   * connection recovery never runs: open a new publish channel on the same connection, or every later publish fails.
   */
  private async openPublishChannel(model: ChannelModel): Promise<ConfirmChannel> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) => {
      this.channelErrors.set(channel, error);
      this.options.logger.warn({ err: error }, 'RabbitMQ publish channel error');
    });
    channel.on('return', (message: ConsumeMessage) => {
      if (typeof message.properties.messageId === 'string') this.returned.add(message.properties.messageId);
    });
    channel.on('close', () => {
      if (this.publishChannel !== channel) return;
      this.publishChannel = undefined;
      if (this.closing) return;
      this.openPublishChannel(model).then(
        (next) => { this.publishChannel = next; },
        // the connection itself is gone: recovery reconnects and runs setup
        () => {},
      );
    });
    return channel;
  }

  /** Quorum queue with its own dead-letter queue `<name>.dead`. */
  private async assertWorkQueue(channel: Channel, logical: string): Promise<void> {
    const queue = this.name(logical);
    const deadQueue = `${queue}.dead`;
    await channel.assertQueue(deadQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue(deadQueue, this.name(DEAD_LETTER_EXCHANGE), queue);
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-dead-letter-exchange': this.name(DEAD_LETTER_EXCHANGE),
        'x-dead-letter-routing-key': queue,
        // a message that kills its consumer process (never nacked) would otherwise be redelivered forever
        'x-delivery-limit': MAX_DELIVERIES,
      },
    });
  }

  /** Declares a job queue (also after reconnects) so publishing to it never drops into the void. */
  async declareQueue(logical: string): Promise<void> {
    if (this.declaredQueues.has(logical)) return;
    this.declaredQueues.add(logical);
    const channel = await this.waitForPublishChannel();
    await this.assertWorkQueue(channel, logical);
  }

  /** Declares a topology now and after every reconnect (see TopologySetup). */
  async declareTopology(setup: TopologySetup): Promise<void> {
    this.topologies.push(setup);
    const channel = await this.waitForPublishChannel();
    this.rememberTopology(await setup(channel));
  }

  private rememberTopology(declared: DeclaredTopology): void {
    for (const queue of declared.queues) if (!this.topologyNames.queues.includes(queue)) this.topologyNames.queues.push(queue);
    for (const exchange of declared.exchanges) if (!this.topologyNames.exchanges.includes(exchange)) this.topologyNames.exchanges.push(exchange);
  }

  /** Starts a raw consumer (see RawConsumerSpec); it is re-subscribed after every reconnect. */
  async consumeRaw(spec: RawConsumerSpec): Promise<RawConsumer> {
    const raw: RawSubscription = { spec: { ...spec }, tags: [], cancelled: false };
    this.rawConsumers.push(raw);
    if (this.connected && this.connection) await this.startRawConsumer(this.connection, raw);
    const unsubscribe = async () => {
      const { channel, tags } = raw;
      raw.tags = [];
      for (const tag of tags) await channel?.cancel(tag).catch(() => {});
    };
    return {
      setPrefetch: async (prefetch) => {
        raw.spec.prefetch = prefetch;
        if (!raw.channel || raw.cancelled) return;
        // basic.qos applies to consumers subscribed after it, so the running ones are replaced
        await raw.channel.prefetch(prefetch);
        await unsubscribe();
        await this.subscribeRaw(raw.channel, raw);
      },
      cancel: async () => {
        raw.cancelled = true;
        await unsubscribe();
      },
    };
  }

  private async startRawConsumer(model: Pick<ChannelModel, 'createChannel'>, raw: RawSubscription): Promise<void> {
    const channel = await model.createChannel();
    raw.channel = channel;
    raw.tags = [];
    channel.on('error', (error: Error) => this.options.logger.warn({ err: error, queues: raw.spec.queues }, 'RabbitMQ consumer channel error'));
    channel.on('close', () => {
      if (this.closing || !this.connected || raw.cancelled || raw.channel !== channel) return;
      this.options.logger.warn({ queues: raw.spec.queues }, 'RabbitMQ closed the consumer channel; reopening it');
      setTimeout(() => {
        if (this.closing || !this.connected || !this.connection || raw.cancelled || raw.channel !== channel) return;
        this.startRawConsumer(this.connection, raw).catch((error: unknown) =>
          this.options.logger.error({ err: error, queues: raw.spec.queues }, 'could not reopen the consumer channel'));
      }, 1_000).unref();
    });
    await channel.prefetch(raw.spec.prefetch);
    await this.subscribeRaw(channel, raw);
  }

  private async subscribeRaw(channel: Channel, raw: RawSubscription): Promise<void> {
    for (const queue of raw.spec.queues) {
      const { consumerTag } = await channel.consume(this.name(queue), (message) => {
        if (!message) return;
        if (message.fields.redelivered) {
          // counted as the queue consumers' are: npm run faults reads these lines for the dispatcher's workers too
          this.options.metrics?.queueMessages.inc({ queue, outcome: 'redelivered' });
          this.options.logger.info({ queue, redelivered: true }, 'redelivered message reached its handler');
        }
        this.inFlight += 1;
        let settled = false;
        const settle = (fn: () => void) => {
          if (settled) return;
          settled = true;
          this.inFlight -= 1;
          safely(fn);
        };
        raw.spec.onMessage({
          queue,
          message,
          ack: () => settle(() => channel.ack(message)),
          nack: (requeue = false) => settle(() => channel.nack(message, false, requeue)),
        });
      }, { noAck: false });
      raw.tags.push(consumerTag);
    }
  }

  private async waitForPublishChannel(): Promise<ConfirmChannel> {
    const deadline = Date.now() + (this.options.publishTimeoutMs ?? 10_000);
    while (!this.publishChannel || !this.connected) {
      if (this.closing) throw new Error('broker is closing');
      if (Date.now() > deadline) throw new Error('RabbitMQ is not reachable (publish timed out waiting for a connection)');
      await sleep(100);
    }
    return this.publishChannel;
  }

  createEnvelope<T>(type: string, payload: T): Envelope<T> {
    const context = requestContext.getStore();
    return { id: randomUUID(), type, occurredAt: new Date().toISOString(), traceId: context?.traceId ?? randomUUID(), payload };
  }

  /**
   * Publishes and resolves once the broker has confirmed it; rejects on nack or timeout (never hangs). `mandatory`:
   * also rejects when no queue is bound for the routing key, where RabbitMQ would otherwise confirm and drop it — for
   * publishers that delete their record once confirmed (an outbox) and must not lose a message to missing topology.
   */
  async publishEnvelope(exchange: string, routingKey: string, envelope: Envelope, options: { mandatory?: boolean } = {}): Promise<void> {
    const channel = await this.waitForPublishChannel();
    const body = Buffer.from(JSON.stringify(envelope));
    const timeoutMs = this.options.publishTimeoutMs ?? 10_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`RabbitMQ did not confirm ${envelope.type} within ${timeoutMs} ms`)), timeoutMs);
      try {
        channel.publish(exchange, routingKey, body, {
          persistent: true,
          mandatory: options.mandatory === true,
          contentType: 'application/json',
          messageId: envelope.id,
          type: envelope.type,
          headers: { traceId: envelope.traceId },
        }, (error: unknown) => {
          clearTimeout(timer);
          const closedBecause = this.channelErrors.get(channel);
          const unroutable = this.returned.delete(envelope.id);
          if (!error && unroutable) reject(new Error(`RabbitMQ could not route ${envelope.type} (${routingKey}): no queue is bound to it`));
          else if (error && closedBecause) reject(new Error(`RabbitMQ did not take ${envelope.type}: ${closedBecause.message}`, { cause: error }));
          else if (error) reject(error instanceof Error ? error : new Error('RabbitMQ rejected the message'));
          else resolve();
        });
      } catch (error) {
        // the channel closed under us (amqplib throws at once): fail now, and leave no timer holding the process
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    this.options.metrics?.queueMessages.inc({ queue: routingKey, outcome: 'published' });
  }

  async publishEvent<T>(type: string, payload: T): Promise<Envelope<T>> {
    const envelope = this.createEnvelope(type, payload);
    await this.publishEnvelope(this.name(EVENTS_EXCHANGE), type, envelope);
    return envelope;
  }

  /** Sends a job to its queue (declared on first use) through the default exchange. */
  async sendJob<T>(queue: string, payload: T): Promise<Envelope<T>> {
    await this.declareQueue(queue);
    const envelope = this.createEnvelope(queue, payload);
    await this.publishEnvelope('', this.name(queue), envelope);
    return envelope;
  }

  async consume<T>(spec: ConsumerSpec<T>): Promise<void> {
    this.consumers.push(spec as ConsumerSpec<unknown>);
    this.declaredQueues.add(spec.queue);
    if (this.connected && this.connection) {
      await this.startConsumer(this.connection, spec as ConsumerSpec<unknown>);
    }
  }

  private async startConsumer(model: Pick<ChannelModel, 'createChannel'>, spec: ConsumerSpec<unknown>): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => this.options.logger.warn({ err: error, queue: spec.queue }, 'RabbitMQ consumer channel error'));
    // the broker can close one channel and keep the connection (a consumer that held a message past
    // consumer_timeout, a protocol error): reopen it, or this consumer would stop silently
    channel.on('close', () => {
      if (this.closing || !this.connected || this.consumerChannels.get(spec.queue)?.channel !== channel) return;
      this.options.logger.warn({ queue: spec.queue }, 'RabbitMQ closed the consumer channel; reopening it');
      this.consumerChannels.delete(spec.queue);
      setTimeout(() => {
        if (this.closing || !this.connected || !this.connection || this.consumerChannels.has(spec.queue)) return;
        this.startConsumer(this.connection, spec).catch((error: unknown) =>
          this.options.logger.error({ err: error, queue: spec.queue }, 'could not reopen the consumer channel'));
      }, 1_000).unref();
    });
    await this.assertWorkQueue(channel, spec.queue);
    for (const event of spec.events ?? []) await channel.bindQueue(this.name(spec.queue), this.name(EVENTS_EXCHANGE), event);
    await channel.prefetch(spec.prefetch ?? 10);
    const { consumerTag } = await channel.consume(this.name(spec.queue), (message) => {
      if (message) void this.handleDelivery(channel, spec, message);
    }, { noAck: false });
    this.consumerChannels.set(spec.queue, { channel, tag: consumerTag });
  }

  private async handleDelivery(channel: Channel, spec: ConsumerSpec<unknown>, message: ConsumeMessage): Promise<void> {
    this.inFlight += 1;
    const metrics = this.options.metrics;
    const stopTimer = metrics?.queueHandleSeconds.startTimer({ queue: spec.queue });
    let envelope: Envelope<unknown> | undefined;
    try {
      envelope = this.parse(spec, message);
      const parsedEnvelope = envelope;
      if (message.fields.redelivered) {
        // at-least-once made visible: the consumer must absorb it (npm run faults counts these lines)
        metrics?.queueMessages.inc({ queue: spec.queue, outcome: 'redelivered' });
        this.options.logger.info({ queue: spec.queue, messageId: parsedEnvelope.id, redelivered: true }, 'redelivered message reached its handler');
      }
      await requestContext.run({ requestId: parsedEnvelope.id, traceId: parsedEnvelope.traceId }, () =>
        this.handleThroughOutages(spec, parsedEnvelope));
      safely(() => channel.ack(message));
      metrics?.queueMessages.inc({ queue: spec.queue, outcome: 'acked' });
    } catch (error) {
      const attempts = Number(message.properties.headers?.['x-delivery-count'] ?? 0) + 1;
      const permanent = error instanceof ValidationError || attempts >= (spec.maxAttempts ?? 5);
      // a message that is not even an envelope is still named by the message id it was published with
      const messageId = envelope?.id ?? message.properties.messageId;
      this.options.logger.error({ err: error, queue: spec.queue, messageId, attempts, deadLettered: permanent },
        permanent ? 'message failed; sent to the dead-letter queue' : 'message failed; will be retried');
      if (permanent) {
        safely(() => channel.nack(message, false, false));
        metrics?.queueMessages.inc({ queue: spec.queue, outcome: 'dead-lettered' });
      } else {
        // back off before handing it back, so a passing outage is not burnt through in milliseconds
        await sleep(Math.min((this.options.retryBackoffMs ?? 500) * 2 ** attempts, 15_000));
        safely(() => channel.nack(message, false, true));
        metrics?.queueMessages.inc({ queue: spec.queue, outcome: 'retried' });
      }
    } finally {
      stopTimer?.();
      this.inFlight -= 1;
    }
  }

  /**
   * A handler that failed because PostgreSQL is away (a restart, crash recovery) runs again in place once it may be
   * back, keeping the message: an outage must not use up the message's attempts and dead-letter good work, as it
   * did to a whole-archive extraction while PostgreSQL was still recovering (npm run faults). Bounded well below
   * RabbitMQ's 30-minute consumer timeout; other errors take the normal retry and dead-letter path.
   */
  private async handleThroughOutages(spec: ConsumerSpec<unknown>, envelope: Envelope<unknown>): Promise<void> {
    const giveUpAt = Date.now() + OUTAGE_PATIENCE_MS;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await spec.handle(envelope.payload, envelope);
        return;
      } catch (error) {
        if (!isConnectionLoss(error) || this.closing || Date.now() > giveUpAt) throw error;
        const delayMs = Math.min((this.options.retryBackoffMs ?? 500) * 2 ** attempt, 15_000);
        this.options.logger.warn({ err: error, queue: spec.queue, messageId: envelope.id, delayMs },
          'PostgreSQL unavailable; the message is kept and handled again when it is back');
        await sleep(delayMs);
      }
    }
  }

  private parse(spec: ConsumerSpec<unknown>, message: ConsumeMessage): Envelope<unknown> {
    let json: unknown;
    try {
      json = JSON.parse(message.content.toString('utf8'));
    } catch {
      throw new ValidationError(`message on ${spec.queue} is not JSON`);
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) throw new ValidationError(`message on ${spec.queue} is not an envelope: ${envelope.error.message}`);
    const payload = spec.schema.safeParse(envelope.data.payload);
    if (!payload.success) {
      throw new ValidationError(`payload of ${envelope.data.type} does not match its schema`,
        payload.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })));
    }
    return { ...envelope.data, payload: payload.data };
  }

  /**
   * Ready messages and consumers of each queue (logical names), for monitors; null for a queue that is not declared.
   * One short-lived channel, reopened after each missing queue (RabbitMQ closes a channel that asks about one), so a
   * monitor's poll never disturbs the publish channel. Rejects when the broker is away.
   */
  async checkQueues(logicals: readonly string[]): Promise<Map<string, { messages: number; consumers: number } | null>> {
    await this.waitForPublishChannel();
    const connection = this.connection!;
    const depths = new Map<string, { messages: number; consumers: number } | null>();
    let channel: Channel | undefined;
    try {
      for (const logical of logicals) {
        if (!channel) {
          channel = await connection.createChannel();
          // the 404 arrives as an error event too; without a listener it would be thrown at the process
          channel.on('error', () => {});
        }
        try {
          const { messageCount, consumerCount } = await channel.checkQueue(this.name(logical));
          depths.set(logical, { messages: messageCount, consumers: consumerCount });
        } catch {
          depths.set(logical, null);
          channel = undefined;
        }
      }
    } finally {
      await channel?.close().catch(() => {});
    }
    return depths;
  }

  /** Stops taking new messages, lets the ones in hand finish (up to the timeout), then closes. */
  async close(timeoutMs = 15_000): Promise<void> {
    this.closing = true;
    for (const { channel, tag } of this.consumerChannels.values()) await channel.cancel(tag).catch(() => {});
    for (const raw of this.rawConsumers) for (const tag of raw.tags) await raw.channel?.cancel(tag).catch(() => {});
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) await sleep(50);
    // close each consumer channel first and wait for its close-ok: amqplib multiplexes channels over one socket, and
    // the connection's close frame can overtake a channel's last ack still in its buffer — the handled message would
    // then be requeued and handled again (seen in CI: broker.test.ts "close waits for it to finish and ack")
    for (const { channel } of this.consumerChannels.values()) await channel.close().catch(() => {});
    for (const raw of this.rawConsumers) await raw.channel?.close().catch(() => {});
    await this.connection?.close().catch(() => {});
  }

  /** For tests: removes the queues and exchanges this broker declared under its namespace. */
  async deleteTopology(): Promise<void> {
    if (!this.options.namespace) throw new Error('refusing to delete an un-namespaced topology');
    const channel = await this.waitForPublishChannel();
    for (const { channel: consumerChannel, tag } of this.consumerChannels.values()) await consumerChannel.cancel(tag).catch(() => {});
    for (const queue of this.declaredQueues) {
      await channel.deleteQueue(this.name(queue)).catch(() => {});
      await channel.deleteQueue(`${this.name(queue)}.dead`).catch(() => {});
    }
    for (const raw of this.rawConsumers) for (const tag of raw.tags) await raw.channel?.cancel(tag).catch(() => {});
    for (const queue of this.topologyNames.queues) await channel.deleteQueue(queue).catch(() => {});
    for (const exchange of this.topologyNames.exchanges) await channel.deleteExchange(exchange).catch(() => {});
    await channel.deleteExchange(this.name(EVENTS_EXCHANGE)).catch(() => {});
    await channel.deleteExchange(this.name(DEAD_LETTER_EXCHANGE)).catch(() => {});
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // the channel died under us; the broker redelivers the message and handlers are idempotent
  }
}

/**
 * A short-lived channel for one piece of work on a plain amqplib connection (checks, declarations, clean-ups): a
 * channel error (a 404 for a missing queue, say) closes only that channel, never the connection.
 */
export async function withAmqpChannel<T>(connection: Pick<ChannelModel, 'createChannel'>, fn: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  try {
    return await fn(channel);
  } finally {
    await channel.close().catch(() => {});
  }
}
