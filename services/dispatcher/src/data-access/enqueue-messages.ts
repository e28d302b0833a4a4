import type { Queryable } from '@doitcrm/kit';
import type { DispatchChannel } from '@doitcrm/types';
import { routingKey, tierOf } from '../queue/topology.ts';
import { writeOutboxRows, writeTraceEvents } from './outbox-and-traces.ts';

/** One message to write: queued now (an outbox row with it), or held until `dueAt` (the due_at poller releases it). */
export interface NewMessage {
  batchId: string;
  traceId: string;
  templateId: number;
  channel: DispatchChannel;
  recipient: string;
  variables: Record<string, string | number | boolean>;
  priority: number;
  /** set: held (status pending) until then, trace stage `held` with `heldReason` */
  dueAt?: Date | null;
  heldReason?: string;
  createdBy?: number | null;
  /** extra detail for the first trace event (who enqueued it and why) */
  traceDetail?: Record<string, unknown>;
}

export interface EnqueuedMessage { id: number; traceId: string; status: 'queued' | 'pending' }

/**
 * Writes messages, the outbox rows of the queued ones and their first trace events: three set-based statements
 * whatever the number of rows, in the caller's transaction (so the outbox row exists exactly when the message does).
 * Answers in the order given.
 */
export async function enqueueMessages(db: Queryable, messages: readonly NewMessage[]): Promise<EnqueuedMessage[]> {
  if (messages.length === 0) return [];
  const rows = messages.map((m, index) => {
    const tier = tierOf(m.priority);
    return {
      ord: index, batch_id: m.batchId, trace_id: m.traceId, template_id: m.templateId, channel: m.channel, recipient: m.recipient,
      variables: m.variables, priority: m.priority, due_at: m.dueAt ? m.dueAt.toISOString() : null, created_by: m.createdBy ?? null,
      tier, routing_key: routingKey(m.channel, tier),
      detail: m.dueAt ? { reason: m.heldReason ?? 'send_at', dueAt: m.dueAt.toISOString(), ...m.traceDetail } : { tier, routingKey: routingKey(m.channel, tier), ...m.traceDetail },
    };
  });
  const { rows: written } = await db.query<{ id: number; trace_id: string; status: 'queued' | 'pending'; ord: number }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(ord int, batch_id uuid, trace_id uuid, template_id bigint, channel text,
         recipient text, variables jsonb, priority smallint, due_at timestamptz, created_by bigint)
     ), inserted AS (
       INSERT INTO dispatch.messages (batch_id, trace_id, template_id, channel, recipient, variables, priority, status, due_at, created_by, queued_at)
       SELECT batch_id, trace_id, template_id, channel, recipient, variables, priority,
              CASE WHEN due_at IS NULL THEN 'queued' ELSE 'pending' END, due_at, created_by,
              CASE WHEN due_at IS NULL THEN now() END
       FROM input ORDER BY ord
       RETURNING id, trace_id, status
     )
     SELECT inserted.id::int AS id, inserted.trace_id, inserted.status, input.ord FROM inserted JOIN input USING (trace_id) ORDER BY input.ord`,
    [JSON.stringify(rows)]);
  const byTrace = new Map(rows.map((row) => [row.trace_id, row]));
  const withIds = written.map((w) => ({ ...byTrace.get(w.trace_id)!, id: w.id, status: w.status }));
  await writeOutboxRows(db, withIds.filter((row) => row.status === 'queued').map((row) => ({ messageId: row.id, traceId: row.trace_id, routingKey: row.routing_key, tier: row.tier, attempt: 0 })));
  await writeTraceEvents(db, withIds.map((row) => ({ messageId: row.id, traceId: row.trace_id, stage: row.status === 'queued' ? 'queued' : 'held', detail: row.detail })));
  return written.map((w) => ({ id: w.id, traceId: w.trace_id, status: w.status }));
}
