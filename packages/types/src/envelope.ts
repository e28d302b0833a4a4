import { z } from 'zod';

/** Every message on RabbitMQ travels in this envelope; `payload` is checked against the schema of its `type`. */
export const envelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.string().min(1),
  occurredAt: z.string().datetime({ offset: true }),
  traceId: z.string().min(1),
  payload: z.unknown(),
});
export type Envelope<P = unknown> = Omit<z.infer<typeof envelopeSchema>, 'payload'> & { payload: P };

/** The topic exchange for facts; routing key = event type. */
export const EVENTS_EXCHANGE = 'doitcrm.events';
/** Where consumers send what they cannot process, instead of requeueing it forever. */
export const DEAD_LETTER_EXCHANGE = 'doitcrm.dead-letter';
