import type { Queryable } from '@doitcrm/kit';
import { DISPATCH_CHANNELS } from '@doitcrm/types';
import { PRIORITY_TIERS, routingKey, tierOf } from '../queue/topology.ts';

/** What the periodic retry takes: failures worth another try, failed a while ago, a bounded batch at a time. */
export interface RetryableCriteria {
  /** messages with this many attempts or more stay failed */
  attemptCap: number;
  /** failed at least this long ago: a provider outage gets time to pass, and a worker's own write is never raced */
  minAgeSeconds: number;
  batchSize: number;
}

/**
 * Which failed messages go back: one, a batch's, a template's (someone pressed 重试: attempts start again from 0), or
 * the periodic retry's transient and rate-limited ones (attempts keep counting toward the cap).
 */
export type RetryScope = { messageId: number } | { batchId: string } | { templateId: number } | { retryable: RetryableCriteria };

// topology.ts is the one definition of tiers and routing keys: handed to the statement as lookup tables, so a retry
// of 10,000 failures is one statement and still routes exactly as the relay's first publish did
const PRIORITIES = Array.from({ length: 11 }, (_, priority) => priority);
const ROUTES = DISPATCH_CHANNELS.flatMap((channel) => PRIORITY_TIERS.map((tier) => ({ channel, tier, key: routingKey(channel, tier) })));

/**
 * Puts the scope's failed messages back to queued, writes each its outbox row (the relay publishes it) and a trace
 * event (`retry` for a person's retry, `queued` for the periodic one) — all in the caller's transaction. Rows another
 * transaction holds (the periodic retry, a worker) are skipped, not waited for: that one is already retrying them.
 * Returns how many were moved.
 */
export async function requeueFailed(db: Queryable, scope: RetryScope, detail: Record<string, unknown>, stage: 'retry' | 'queued' = 'retry'): Promise<number> {
  const retryable = 'retryable' in scope ? scope.retryable : null;
  const { rows } = await db.query<{ moved: number; routed: number }>(
    `WITH picked AS (
       SELECT id, delivery_error FROM dispatch.messages
       -- a person's retry also takes sent messages a receipt called undelivered; the periodic one never does (the
       -- provider accepted and charged them: sending again is a person's decision)
       WHERE (status = 'failed' OR ($10::int IS NULL AND status = 'sent' AND delivery_status = 'undelivered')) AND ($1::bigint IS NULL OR id = $1) AND ($2::uuid IS NULL OR batch_id = $2) AND ($3::bigint IS NULL OR template_id = $3)
         AND ($10::int IS NULL OR (last_error_kind IN ('transient', 'rate_limited') AND attempts < $10 AND updated_at < now() - make_interval(secs => $11)))
       ORDER BY updated_at LIMIT $12
       FOR UPDATE SKIP LOCKED
     ), moved AS (
       UPDATE dispatch.messages m SET status = 'queued', attempts = CASE WHEN $10::int IS NULL THEN 0 ELSE m.attempts END,
         due_at = NULL, queued_at = now(), updated_at = now(), delivery_status = NULL, delivered_at = NULL, delivery_error = NULL
       FROM picked WHERE m.id = picked.id
       RETURNING m.id, m.trace_id, m.channel, m.priority, m.attempts, coalesce(picked.delivery_error, m.last_error) AS last_error,
         CASE WHEN picked.delivery_error IS NULL THEN m.last_error_kind ELSE 'undelivered' END AS last_error_kind
     ), routed AS (
       INSERT INTO dispatch.outbox (message_id, trace_id, routing_key, tier, attempt)
       SELECT moved.id, moved.trace_id, route.key, tiers.tier, moved.attempts
       FROM moved
       JOIN unnest($4::int[], $5::int[]) AS tiers (priority, tier) ON tiers.priority = moved.priority
       JOIN unnest($6::text[], $7::int[], $8::text[]) AS route (channel, tier, key) ON route.channel = moved.channel AND route.tier = tiers.tier
       RETURNING message_id
     ), traced AS (
       INSERT INTO dispatch.trace_events (message_id, trace_id, stage, detail)
       SELECT moved.id, moved.trace_id, $13, $9::jsonb || jsonb_build_object('attempts', moved.attempts, 'previousError', moved.last_error, 'previousErrorKind', moved.last_error_kind)
       FROM moved
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM routed)::int AS routed, (SELECT count(*) FROM traced)::int AS traced`,
    [
      'messageId' in scope ? scope.messageId : null, 'batchId' in scope ? scope.batchId : null, 'templateId' in scope ? scope.templateId : null,
      PRIORITIES, PRIORITIES.map(tierOf), ROUTES.map((route) => route.channel), ROUTES.map((route) => route.tier), ROUTES.map((route) => route.key),
      JSON.stringify(detail), retryable?.attemptCap ?? null, retryable?.minAgeSeconds ?? null, retryable?.batchSize ?? null, stage,
    ]);
  const { moved, routed } = rows[0]!;
  // a row queued without its outbox row would wait forever: refuse the whole retry instead
  if (routed !== moved) throw new Error(`retry routed ${routed} of ${moved} messages: a channel or priority outside topology.ts`);
  return moved;
}

export async function messageStatus(db: Queryable, id: number): Promise<string | null> {
  const { rows } = await db.query<{ status: string }>('SELECT status FROM dispatch.messages WHERE id = $1', [id]);
  return rows[0]?.status ?? null;
}
