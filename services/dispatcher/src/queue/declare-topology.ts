import type { Broker } from '@doitcrm/kit';
import { DISPATCH_CHANNELS } from '@doitcrm/types';
import { DEAD_QUEUE, PRIORITY_TIERS, RETRY_EXCHANGE, RETRY_STEPS_MS, SEND_EXCHANGE, retryQueue, sendQueue } from './topology.ts';

/** How often one message may come back to a tier queue unacknowledged (its consumer died each time) before it is parked. */
const DELIVERY_LIMIT = 20;

/**
 * Asserts topology.ts's exchanges and queues on the service's broker connection, now and after every reconnect.
 * Tier queues dead-letter to DEAD_QUEUE only past the delivery limit (a message that kills its worker every time);
 * every other failure is recorded on the message row and the copy acked, so no nack ever loops.
 */
export async function declareDispatchTopology(broker: Broker): Promise<void> {
  await broker.declareTopology(async (channel) => {
    const name = (logical: string) => broker.name(logical);
    const queues: string[] = [];
    await channel.assertExchange(name(SEND_EXCHANGE), 'topic', { durable: true });
    await channel.assertExchange(name(RETRY_EXCHANGE), 'topic', { durable: true });
    await channel.assertQueue(name(DEAD_QUEUE), { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    queues.push(name(DEAD_QUEUE));
    for (const dispatchChannel of DISPATCH_CHANNELS) {
      for (const tier of PRIORITY_TIERS) {
        const queue = name(sendQueue(dispatchChannel, tier));
        await channel.assertQueue(queue, {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-delivery-limit': DELIVERY_LIMIT,
            'x-dead-letter-exchange': '',
            'x-dead-letter-routing-key': name(DEAD_QUEUE),
          },
        });
        await channel.bindQueue(queue, name(SEND_EXCHANGE), `${dispatchChannel}.t${tier}.#`);
        queues.push(queue);
      }
    }
    for (const [step, ttl] of RETRY_STEPS_MS.entries()) {
      // classic queues: a per-queue TTL expires strictly in order and dead-letters back under the original key
      const queue = name(retryQueue(step));
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-message-ttl': ttl, 'x-dead-letter-exchange': name(SEND_EXCHANGE) } });
      await channel.bindQueue(queue, name(RETRY_EXCHANGE), `*.*.r${step}`);
      queues.push(queue);
    }
    return { queues, exchanges: [name(SEND_EXCHANGE), name(RETRY_EXCHANGE)] };
  });
}
