import type { Channel, ConsumeMessage } from 'amqplib';
import type { z } from 'zod';
import type { Envelope } from '@doitcrm/types';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';

export interface ConsumerSpec<T> {
  /** Logical queue name (`etl.import`, `dashboard.chat-ingested`); the broker adds the namespace. */
  queue: string;
  /** For event subscribers: the queue is bound to these routing keys of `doitcrm.events`. */
  events?: string[];
  /** How many unacknowledged messages this consumer holds at most. */
  prefetch?: number;
  /** Attempts before a failing message goes to the dead-letter queue. */
  maxAttempts?: number;
  schema: z.ZodType<T>;
  handle: (payload: T, envelope: Envelope<T>) => Promise<void>;
}

/** Names (already namespaced) a topology declared, so tests can remove them. */
export interface DeclaredTopology {
  queues: string[];
  exchanges: string[];
}

/**
 * A service's own exchanges and queues, asserted on a channel of the broker's connection: run at once when connected
 * and again after every reconnect (a restarted broker without durable state must not leave publishes unroutable).
 */
export type TopologySetup = (channel: Channel) => Promise<DeclaredTopology>;

/** One message of a raw consumer: the handler decides when to ack or nack (each at most once; later calls are ignored). */
export interface RawDelivery {
  /** the logical queue it came from */
  queue: string;
  message: ConsumeMessage;
  ack(): void;
  /** `requeue` false dead-letters it through the queue's own dead-letter exchange, if it has one */
  nack(requeue?: boolean): void;
}

/**
 * Several queues consumed on one channel with the handler in charge of ack/nack: for consumers that schedule work
 * themselves (a worker choosing among priority tiers) rather than handling one message per callback.
 */
export interface RawConsumerSpec {
  /** logical queue names; each must already be declared (a topology) */
  queues: string[];
  /** unacknowledged messages per queue's consumer (RabbitMQ's per-consumer prefetch; quorum queues have no global one) */
  prefetch: number;
  onMessage(delivery: RawDelivery): void;
}

export interface RawConsumer {
  /**
   * Applies a new prefetch by re-subscribing on the same channel: messages in hand stay in hand and can be acked, and
   * until they are, the new subscriptions' prefetch comes on top of them (a caller bounding its work counts its own).
   */
  setPrefetch(prefetch: number): Promise<void>;
  /** Stops new deliveries; messages in hand can still be acked until the broker closes. */
  cancel(): Promise<void>;
}

export interface BrokerOptions {
  url: string;
  namespace: string;
  logger: Logger;
  metrics?: ServiceMetrics;
  publishTimeoutMs?: number;
  /** Names the connection in the management UI and `rabbitmqctl list_connections` (client property `connection_name`). */
  connectionName?: string;
  /**
   * Back-off before a failed message is handed back for another attempt: this base doubled per attempt
   * (default 500 ms: 1 s, 2 s, 4 s …), at most 15 s.
   */
  retryBackoffMs?: number;
}
