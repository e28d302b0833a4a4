import { randomUUID } from 'node:crypto';
import type { Broker } from '@doitcrm/kit';
import type { DispatchSend } from '@doitcrm/types';
import type { DispatchQueue, MessageCopy } from '../../domain/send-message.ts';
import { DEAD_QUEUE, RETRY_EXCHANGE, routingKey, tierOf } from '../../queue/topology.ts';

/** The send path's publishes, each confirmed by RabbitMQ before the copy in hand is acked. */
export function createDispatchQueue(broker: Broker): DispatchQueue {
  const envelope = (copy: MessageCopy, attempt: number) => ({
    id: randomUUID(),
    type: 'dispatch.send',
    occurredAt: new Date().toISOString(),
    traceId: copy.traceId,
    payload: { messageId: copy.messageId, attempt } satisfies DispatchSend,
  });
  return {
    later: (copy, attempt, step) =>
      broker.publishEnvelope(broker.name(RETRY_EXCHANGE), routingKey(copy.channel, tierOf(copy.priority), step), envelope(copy, attempt)),
    dead: (copy) => broker.publishEnvelope('', broker.name(DEAD_QUEUE), envelope(copy, copy.attempt)),
  };
}
