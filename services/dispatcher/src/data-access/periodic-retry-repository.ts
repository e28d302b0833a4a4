import type { Queryable } from '@doitcrm/kit';
import type { DispatchChannel } from '@doitcrm/types';
import { routingKey, tierOf } from '../queue/topology.ts';
import { writeOutboxRows, writeTraceEvents } from './outbox-and-traces.ts';

export interface RetryableCriteria {
  /** messages with this many attempts or more stay failed */
  attemptCap: number;
  /** failed at least this long ago: a provider outage gets time to pass, and a worker's own write is never raced */
  minAgeSeconds: number;
  batchSize: number;
}

/**
 * Puts one batch of failed messages whose last error was transient or rate-limited back in the queue (status queued,
 * an outbox row, trace `queued` saying why). Rows are claimed with SKIP LOCKED, so two runners never take the same
 * one; a permanent failure or one out of attempts stays failed. Returns how many were queued.
 */
export async function requeueRetryableBatch(db: Queryable, criteria: RetryableCriteria): Promise<number> {
  const { rows } = await db.query<{ id: number; trace_id: string; channel: DispatchChannel; priority: number; attempts: number; last_error_kind: string }>(
    `WITH picked AS (
       SELECT id FROM dispatch.messages
       WHERE status = 'failed' AND last_error_kind IN ('transient', 'rate_limited') AND attempts < $1
         AND updated_at < now() - make_interval(secs => $2)
       ORDER BY updated_at LIMIT $3
       FOR UPDATE SKIP LOCKED
     )
     UPDATE dispatch.messages m SET status = 'queued', queued_at = now(), updated_at = now()
     FROM picked WHERE m.id = picked.id
     RETURNING m.id::int AS id, m.trace_id, m.channel, m.priority, m.attempts, m.last_error_kind`,
    [criteria.attemptCap, criteria.minAgeSeconds, criteria.batchSize]);
  await writeOutboxRows(db, rows.map((row) => {
    const tier = tierOf(row.priority);
    return { messageId: row.id, traceId: row.trace_id, routingKey: routingKey(row.channel, tier), tier, attempt: row.attempts };
  }));
  await writeTraceEvents(db, rows.map((row) => ({
    messageId: row.id, traceId: row.trace_id, stage: 'queued' as const,
    detail: { reason: 'periodic_retry', attempts: row.attempts, lastErrorKind: row.last_error_kind },
  })));
  return rows.length;
}
