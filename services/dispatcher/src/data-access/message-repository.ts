import type { Queryable } from '@doitcrm/kit';
import { DISPATCH_CHANNELS, type DispatchChannel } from '@doitcrm/types';
import { routingKey, tierOf, PRIORITY_TIERS } from '../queue/topology.ts';

export interface NewMessages {
  batchId: string;
  templateId: number;
  channel: DispatchChannel;
  priority: number;
  /** null: queued now (with an outbox row); otherwise pending until dueAt */
  hold: { reason: string; dueAt: Date } | null;
  createdBy: number | null;
  /** in recipient order */
  traceIds: string[];
  recipients: string[];
  /** JSON text of each recipient's values */
  variables: string[];
  /** where each recipient's fallback goes, when the caller said (null: decided at the failure); default all null */
  fallbackRecipients?: Array<string | null>;
  /** more for the first trace event: who enqueued the batch and why (an alert and its rule) */
  traceDetail?: Record<string, unknown>;
}

/**
 * Writes a whole batch in one statement: the message rows, their outbox rows (queued ones only) and their first trace
 * event, each one INSERT … SELECT over the arrays, so 10,000 recipients cost one round trip rather than 30,000.
 * Call it inside the transaction that also answers the Idempotency-Key.
 */
export async function insertMessages(db: Queryable, batch: NewMessages): Promise<void> {
  const tier = tierOf(batch.priority);
  const status = batch.hold ? 'pending' : 'queued';
  const detail = batch.hold
    ? { reason: batch.hold.reason, dueAt: batch.hold.dueAt.toISOString(), batchId: batch.batchId, ...batch.traceDetail }
    : { priority: batch.priority, tier, batchId: batch.batchId, ...batch.traceDetail };
  await db.query(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $15::text[]) WITH ORDINALITY AS r (trace_id, recipient, variables, fallback_recipient, ord)
     ), written AS (
       INSERT INTO dispatch.messages (batch_id, trace_id, template_id, channel, recipient, variables, priority, status, due_at, queued_at, created_by, fallback_recipient)
       SELECT $4, trace_id, $5, $6, recipient, variables, $7, $8, $9, CASE WHEN $8 = 'queued' THEN now() END, $10, fallback_recipient FROM input ORDER BY ord
       RETURNING id, trace_id
     ), outbox AS (
       INSERT INTO dispatch.outbox (message_id, trace_id, routing_key, tier)
       SELECT id, trace_id, $11, $12 FROM written WHERE $8 = 'queued' ORDER BY id
     )
     INSERT INTO dispatch.trace_events (message_id, trace_id, stage, detail)
     SELECT id, trace_id, $13, $14 FROM written`,
    [batch.traceIds, batch.recipients, batch.variables, batch.batchId, batch.templateId, batch.channel, batch.priority, status,
      batch.hold?.dueAt ?? null, batch.createdBy, routingKey(batch.channel, tier), tier, batch.hold ? 'held' : 'queued', JSON.stringify(detail),
      batch.fallbackRecipients ?? batch.recipients.map(() => null)],
  );
}

// topology.ts stays the one definition of tiers and routing keys: the SQL below looks them up in these
const TIER_OF_PRIORITY = Array.from({ length: 11 }, (_, priority) => tierOf(priority));
const ROUTING_KEYS = JSON.stringify(Object.fromEntries(DISPATCH_CHANNELS.map((channel) => [channel, PRIORITY_TIERS.map((t) => routingKey(channel, t))])));

/**
 * Moves up to `limit` held rows whose due_at has passed (pending: send_at or quiet hours; deferred: over a limit) to
 * queued, with their outbox rows and a `queued` trace event, in one statement. SKIP LOCKED lets several pollers
 * (instances) share the work without waiting on each other or taking a row twice. Returns how many moved.
 */
export async function releaseDueMessages(db: Queryable, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `WITH due AS (
       SELECT id, status FROM dispatch.messages
       WHERE status IN ('pending', 'deferred') AND due_at <= now()
       ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED
     ), moved AS (
       UPDATE dispatch.messages m SET status = 'queued', due_at = NULL, queued_at = now(), updated_at = now()
       FROM due WHERE m.id = due.id
       RETURNING m.id, m.trace_id, m.channel, m.priority, m.attempts, due.status AS was, ($3::int[])[m.priority + 1] AS tier
     ), outbox AS (
       INSERT INTO dispatch.outbox (message_id, trace_id, routing_key, tier, attempt)
       SELECT id, trace_id, $2::jsonb -> channel ->> tier, tier, attempts FROM moved ORDER BY id
     )
     INSERT INTO dispatch.trace_events (message_id, trace_id, stage, detail)
     SELECT id, trace_id, 'queued', jsonb_build_object('from', was, 'priority', priority, 'tier', tier) FROM moved`,
    [limit, ROUTING_KEYS, TIER_OF_PRIORITY],
  );
  return rowCount ?? 0;
}
