// The queue designs the benchmark compares, each declared under the bench namespace: the two anchors (one plain
// queue of each type, what raw amqplib gets from RabbitMQ here), the tier design of topology.ts, and one classic
// priority queue with 4 and with 10 levels.
import type { Channel } from 'amqplib';
import type { DispatchChannel } from '@doitcrm/types';
import { PRIORITY_TIERS, SEND_EXCHANGE, routingKey, sendQueue, tierOf } from '../src/queue/topology.ts';
import type { Address } from './amqp-path.ts';
import type { BenchNamespace } from './bench-namespace.ts';

/** Every channel gets the same four tier queues; one stands for all. */
export const BENCH_CHANNEL: DispatchChannel = 'sms';

export type DesignId = 'classic' | 'quorum' | 'tiers' | 'priority4' | 'priority10';
export type QueueType = 'classic' | 'quorum';

export interface DeclaredDesign {
  /** full queue names, each consumed with its own prefetch */
  queues: string[];
  /** where a message of priority 0–10 goes */
  addressOf(priority: number): Address;
}

export interface Design {
  id: DesignId;
  label: string;
  queueType: QueueType;
  /** the plain queue of the same type, measured in the same run, its rate the denominator of this one's ratio */
  anchor: 'classic' | 'quorum';
  declare(channel: Channel, ns: BenchNamespace): Promise<DeclaredDesign>;
}

const plainQueue = (id: 'classic' | 'quorum', label: string): Design => ({
  id, label, queueType: id, anchor: id,
  async declare(channel, ns) {
    const queue = await ns.queue(channel, `anchor.${id}`, { 'x-queue-type': id });
    return { queues: [queue], addressOf: () => ({ exchange: '', routingKey: queue }) };
  },
});

/**
 * One classic queue with `levels` priorities. With 4 a message's tier is its AMQP priority; with 10 its own 0–10
 * priority is, each level a sub-queue of its own inside the queue (the cost RabbitMQ's docs warn about).
 */
const priorityQueue = (id: 'priority4' | 'priority10', levels: 4 | 10, label: string): Design => ({
  id, label, queueType: 'classic', anchor: 'classic',
  async declare(channel, ns) {
    const queue = await ns.queue(channel, `priority${levels}`, { 'x-queue-type': 'classic', 'x-max-priority': levels });
    return {
      queues: [queue],
      addressOf: (priority) => ({ exchange: '', routingKey: queue, priority: levels === 4 ? tierOf(priority) : Math.min(priority, levels) }),
    };
  },
});

export const DESIGNS: Record<DesignId, Design> = {
  classic: plainQueue('classic', 'raw amqplib, one durable classic queue (anchor)'),
  quorum: plainQueue('quorum', 'raw amqplib, one quorum queue (anchor)'),
  tiers: {
    id: 'tiers', label: 'four tier quorum queues (topology.ts)', queueType: 'quorum', anchor: 'quorum',
    // as the relay will publish: to the topic exchange under `<channel>.t<tier>`, each tier queue bound to its own
    async declare(channel, ns) {
      const exchange = await ns.exchange(channel, SEND_EXCHANGE, 'topic');
      const queues: string[] = [];
      for (const tier of PRIORITY_TIERS) {
        const queue = await ns.queue(channel, sendQueue(BENCH_CHANNEL, tier), { 'x-queue-type': 'quorum' });
        await channel.bindQueue(queue, exchange, `${routingKey(BENCH_CHANNEL, tier)}.#`);
        queues.push(queue);
      }
      return { queues, addressOf: (priority) => ({ exchange, routingKey: routingKey(BENCH_CHANNEL, tierOf(priority)) }) };
    },
  },
  priority4: priorityQueue('priority4', 4, 'one classic queue, x-max-priority 4'),
  priority10: priorityQueue('priority10', 10, 'one classic queue, x-max-priority 10'),
};
