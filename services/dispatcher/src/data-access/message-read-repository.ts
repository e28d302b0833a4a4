import type { Queryable } from '@doitcrm/kit';
import type { DeliveryStatus, MessageStatus, MessageSummary, Trace, TraceEvent } from '../contract.ts';

export interface MessageFilter {
  recipient?: string | undefined;
  templateId?: number | undefined;
  status?: MessageStatus | undefined;
  delivery?: DeliveryStatus | undefined;
  batchId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** Where the previous page ended: the last row's created_at (full precision, as PostgreSQL wrote it) and id. */
export interface MessageCursor {
  createdAt: string;
  id: number;
}

const summaryColumns = `m.id AS id, m.trace_id AS "traceId", m.batch_id AS "batchId", m.template_id::int AS "templateId", t.name AS "templateName",
  m.channel, m.recipient, m.priority::int AS priority, m.status, m.attempts, m.last_error AS "lastError",
  m.delivery_status AS "deliveryStatus", to_json(m.delivered_at) #>> '{}' AS "deliveredAt", m.delivery_error AS "deliveryError",
  to_json(m.created_at) #>> '{}' AS "createdAt", to_json(m.sent_at) #>> '{}' AS "sentAt"`;

/**
 * Newest first, keyset-paginated on (created_at, id) so page 500 costs what page 1 does. Each filter is a plain
 * equality on an indexed column; node-postgres sends unnamed statements, planned with the values given, so the
 * `$n IS NULL OR …` of an absent filter folds away and each combination gets its own index (see the migration
 * 1764000027500 for the EXPLAINs at a million rows).
 */
export async function searchMessages(db: Queryable, filter: MessageFilter, cursor: MessageCursor | null, limit: number): Promise<Array<MessageSummary & { cursorAt: string }>> {
  const { rows } = await db.query<MessageSummary & { cursorAt: string }>(
    `SELECT ${summaryColumns}, m.created_at::text AS "cursorAt"
     FROM dispatch.messages m JOIN dispatch.templates t ON t.id = m.template_id
     WHERE ($1::text IS NULL OR m.recipient = $1)
       AND ($2::bigint IS NULL OR m.template_id = $2)
       AND ($3::text IS NULL OR m.status = $3)
       AND ($4::uuid IS NULL OR m.batch_id = $4)
       AND ($5::timestamptz IS NULL OR m.created_at >= $5)
       AND ($6::timestamptz IS NULL OR m.created_at < $6)
       AND ($7::timestamptz IS NULL OR (m.created_at, m.id) < ($7, $8::bigint))
       AND ($10::text IS NULL OR m.delivery_status = $10)
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT $9`,
    [filter.recipient ?? null, filter.templateId ?? null, filter.status ?? null, filter.batchId ?? null, filter.from ?? null, filter.to ?? null,
      cursor?.createdAt ?? null, cursor?.id ?? null, limit, filter.delivery ?? null]);
  return rows;
}

export async function findTrace(db: Queryable, traceId: string): Promise<Trace | null> {
  const { rows } = await db.query<Trace['message'] & { templateChannel: Trace['template']['channel'] }>(
    `SELECT ${summaryColumns}, m.variables, m.last_error_kind AS "lastErrorKind", m.provider, m.provider_message_id AS "providerMessageId",
       m.fallback_of::int AS "fallbackOf", m.fallback_recipient AS "fallbackRecipient", to_json(m.queued_at) #>> '{}' AS "queuedAt", to_json(m.due_at) #>> '{}' AS "dueAt",
       t.channel AS "templateChannel"
     FROM dispatch.messages m JOIN dispatch.templates t ON t.id = m.template_id WHERE m.trace_id = $1`, [traceId]);
  const row = rows[0];
  if (!row) return null;
  const { templateChannel, ...message } = row;
  const events = await db.query<TraceEvent>(
    `SELECT stage, to_json(at) #>> '{}' AS at, detail FROM dispatch.trace_events WHERE trace_id = $1 ORDER BY at, id`, [traceId]);
  return { message, template: { id: message.templateId, name: message.templateName, channel: templateChannel }, events: events.rows };
}
