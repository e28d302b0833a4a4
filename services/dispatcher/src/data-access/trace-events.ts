import type { Queryable } from '@doitcrm/kit';

export type TraceStage = 'queued' | 'processing' | 'sent' | 'failed' | 'callback' | 'retry' | 'deferred' | 'held' | 'fallback';
export interface TraceEventRow { messageId: number; traceId: string; stage: TraceStage; detail: Record<string, unknown>; at?: Date }

/** Trace events, one statement for any number; `at` defaults to now (the demo history gives its own). */
export async function writeTraceEvents(db: Queryable, rows: readonly TraceEventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO dispatch.trace_events (message_id, trace_id, stage, detail, at)
     SELECT "messageId", "traceId", stage, detail, coalesce(at, now())
     FROM jsonb_to_recordset($1::jsonb) AS r("messageId" bigint, "traceId" uuid, stage text, detail jsonb, at timestamptz)`,
    [JSON.stringify(rows)]);
}
