import type { Queryable } from '@doitcrm/kit';

export interface OutboxRow { messageId: number; traceId: string; routingKey: string; tier: number; attempt: number }
export type TraceStage = 'queued' | 'processing' | 'sent' | 'failed' | 'callback' | 'retry' | 'deferred' | 'held' | 'fallback';
export interface TraceEventRow { messageId: number; traceId: string; stage: TraceStage; detail: Record<string, unknown>; at?: Date }

/** Outbox rows for messages that are now queued: one statement for any number (the relay publishes them). */
export async function writeOutboxRows(db: Queryable, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO dispatch.outbox (message_id, trace_id, routing_key, tier, attempt)
     SELECT "messageId", "traceId", "routingKey", tier, attempt
     FROM jsonb_to_recordset($1::jsonb) AS r("messageId" bigint, "traceId" uuid, "routingKey" text, tier smallint, attempt int)`,
    [JSON.stringify(rows)]);
}

/** Trace events, one statement for any number; `at` defaults to now (the demo history gives its own). */
export async function writeTraceEvents(db: Queryable, rows: readonly TraceEventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO dispatch.trace_events (message_id, trace_id, stage, detail, at)
     SELECT "messageId", "traceId", stage, detail, coalesce(at, now())
     FROM jsonb_to_recordset($1::jsonb) AS r("messageId" bigint, "traceId" uuid, stage text, detail jsonb, at timestamptz)`,
    [JSON.stringify(rows)]);
}
