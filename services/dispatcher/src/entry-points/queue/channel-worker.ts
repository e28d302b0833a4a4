import type { Broker, Logger, RawConsumer, RawDelivery } from '@doitcrm/kit';
import { dispatchSendSchema, envelopeSchema, type DispatchChannel } from '@doitcrm/types';
import type { MessageCopy } from '../../domain/send-message.ts';
import type { WorkerMetrics } from '../../domain/worker-metrics.ts';
import { PRIORITY_TIERS, sendQueue, type PriorityTier } from '../../queue/topology.ts';

export interface ChannelWorkerOptions {
  broker: Broker;
  channel: DispatchChannel;
  capacity: number;
  /** resolves when the copy may be acked; a throw leaves it to be handed back */
  handle(copy: MessageCopy): Promise<unknown>;
  metrics: WorkerMetrics;
  logger: Logger;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** the tier a queue's copies carry, as a stand-in priority for the copies this worker republishes (tierOf maps it back) */
const TIER_PRIORITY: Record<PriorityTier, number> = { 0: 0, 1: 3, 2: 6, 3: 9 };

/**
 * One channel's worker: its four tier queues on one channel, each consumer with a prefetch of `capacity`, and at most
 * `capacity` messages worked on at once, always taking the highest tier waiting next. A tier-3 message therefore waits
 * for one free slot, never behind a lower tier's backlog (that stays in RabbitMQ: at most `capacity` of it is here).
 */
export class ChannelWorker {
  private readonly waiting: RawDelivery[][] = PRIORITY_TIERS.map(() => []);
  private running = 0;
  private consumer: RawConsumer | undefined;
  private stopping = false;
  private idle: (() => void) | undefined;

  constructor(private readonly options: ChannelWorkerOptions) {}

  get channel(): DispatchChannel {
    return this.options.channel;
  }

  get busy(): number {
    return this.running;
  }

  get capacity(): number {
    return this.options.capacity;
  }

  async start(): Promise<void> {
    this.options.metrics.capacity.set({ channel: this.options.channel }, this.options.capacity);
    this.consumer = await this.options.broker.consumeRaw({
      queues: PRIORITY_TIERS.map((tier) => sendQueue(this.options.channel, tier)),
      prefetch: this.options.capacity,
      onMessage: (delivery) => {
        const tier = Number(delivery.queue.slice(-1)) as PriorityTier;
        this.waiting[tier]!.push(delivery);
        this.pump();
      },
    });
  }

  /** workers.concurrency changed: new slots start at once; fewer slots let the running ones finish */
  async resize(capacity: number): Promise<void> {
    if (capacity === this.options.capacity) return;
    this.options.capacity = capacity;
    this.options.metrics.capacity.set({ channel: this.options.channel }, capacity);
    await this.consumer?.setPrefetch(capacity);
    this.pump();
  }

  /** Takes no more, hands back what has not started, and waits for what has to finish and be acked. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.cancel();
    for (const list of this.waiting) for (const delivery of list.splice(0)) delivery.nack(true);
    if (this.running > 0) await new Promise<void>((resolve) => { this.idle = resolve; });
  }

  private pump(): void {
    while (!this.stopping && this.running < this.options.capacity) {
      const delivery = this.next();
      if (!delivery) return;
      this.running += 1;
      this.options.metrics.inFlight.inc({ channel: this.options.channel });
      void this.work(delivery).finally(() => {
        this.running -= 1;
        this.options.metrics.inFlight.dec({ channel: this.options.channel });
        if (this.stopping && this.running === 0) this.idle?.();
        this.pump();
      });
    }
    if (this.stopping) for (const list of this.waiting) for (const delivery of list.splice(0)) delivery.nack(true);
  }

  private next(): RawDelivery | undefined {
    for (let tier = PRIORITY_TIERS.length - 1; tier >= 0; tier -= 1) {
      const delivery = this.waiting[tier]!.shift();
      if (delivery) return delivery;
    }
    return undefined;
  }

  private async work(delivery: RawDelivery): Promise<void> {
    const copy = this.parse(delivery);
    if (!copy) {
      // not a dispatch.send envelope: parked in DEAD_QUEUE through the queue's dead-letter settings
      delivery.nack(false);
      return;
    }
    try {
      await this.options.handle(copy);
      delivery.ack();
    } catch (error) {
      this.options.logger.error({ err: error, messageId: copy.messageId, traceId: copy.traceId }, 'dispatch message not finished; handed back');
      // handed back after a pause; the queue's delivery limit parks one that fails every time
      await sleep(1_000);
      delivery.nack(true);
    }
  }

  private parse(delivery: RawDelivery): MessageCopy | null {
    try {
      const envelope = envelopeSchema.parse(JSON.parse(delivery.message.content.toString('utf8')));
      const payload = dispatchSendSchema.parse(envelope.payload);
      const tier = Number(delivery.queue.slice(-1)) as PriorityTier;
      return { ...payload, messageId: payload.messageId, traceId: envelope.traceId, channel: this.options.channel, priority: TIER_PRIORITY[tier] };
    } catch (error) {
      this.options.logger.warn({ err: error, queue: delivery.queue }, 'not a dispatch.send envelope; dead-lettered');
      return null;
    }
  }
}
