import type { DispatchChannel } from '@doitcrm/types';

/**
 * Where a dispatcher message travels in RabbitMQ: one contract for the outbox relay (which publishes), the workers
 * (which consume and schedule retries) and the benchmarks. Names are logical; the kit Broker's namespace goes in front
 * (`Broker.name`).
 *
 * Priorities 0–10 fold onto four tiers, each its own quorum queue per channel, rather than one `x-max-priority`
 * queue: RabbitMQ advises at most a handful of priority levels, priority queues must be classic (not replicated)
 * queues, and a worker taking from separate tier queues with a bounded prefetch lets a new urgent message start as
 * soon as one of its slots frees, whatever backlog the lower tiers hold (perf-and-reliability-anchors §5).
 */
export const PRIORITY_TIERS = [0, 1, 2, 3] as const;
export type PriorityTier = (typeof PRIORITY_TIERS)[number];

/** 0–2 bulk, 3–5 normal (the default 5), 6–8 high, 9–10 urgent (urgent also passes quiet hours). */
export function tierOf(priority: number): PriorityTier {
  if (priority >= 9) return 3;
  if (priority >= 6) return 2;
  if (priority >= 3) return 1;
  return 0;
}

/** Topic exchange the relay publishes to; every channel/tier queue binds `<channel>.t<tier>.#`. */
export const SEND_EXCHANGE = 'dispatch.send';
/** Topic exchange of the back-off queues; each binds `*.*.r<step>` and dead-letters back to SEND_EXCHANGE. */
export const RETRY_EXCHANGE = 'dispatch.retry';
/** Where a message that failed for good is parked for inspection (the row in PostgreSQL says why). */
export const DEAD_QUEUE = 'dispatch.dead';

/**
 * Back-off steps of a transient failure, one TTL queue each (a per-queue TTL expires in order; per-message TTLs in
 * one queue would wait behind the head). The step index is the retry number, capped at the last step.
 */
export const RETRY_STEPS_MS = [1_000, 5_000, 30_000, 120_000, 600_000] as const;

export function sendQueue(channel: DispatchChannel, tier: PriorityTier): string {
  return `dispatch.${channel}.t${tier}`;
}

export function retryQueue(step: number): string {
  return `dispatch.retry.r${step}`;
}

/**
 * The routing key of a message: `<channel>.t<tier>` on its first publish; `<channel>.t<tier>.r<step>` when it goes
 * to a back-off queue, which dead-letters it back to SEND_EXCHANGE under the same key, where `<channel>.t<tier>.#`
 * matches it again.
 */
export function routingKey(channel: DispatchChannel, tier: PriorityTier, retryStep?: number): string {
  const base = `${channel}.t${tier}`;
  return retryStep === undefined ? base : `${base}.r${Math.min(retryStep, RETRY_STEPS_MS.length - 1)}`;
}
