import type { Queryable } from '@doitcrm/kit';

/** A message of the demo's synthetic history, with the times and outcome a real run would have left. */
export interface HistoricMessage {
  /** key within one seeding, so a fallback can name the message it replaces */
  key: number;
  batchId: string;
  traceId: string;
  templateId: number;
  channel: string;
  recipient: string;
  variables: Record<string, string | number | boolean>;
  priority: number;
  status: 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  lastErrorKind: string | null;
  provider: string | null;
  providerMessageId: string | null;
  fallbackOfKey: number | null;
  createdAt: string;
  queuedAt: string;
  sentAt: string | null;
  updatedAt: string;
  deliveryStatus: 'delivered' | 'undelivered' | 'unknown' | null;
  deliveredAt: string | null;
  deliveryError: string | null;
}

/** Inserts history set-based (fallbacks after the messages they replace); answers each key's message id. */
export async function insertHistoricMessages(db: Queryable, messages: readonly HistoricMessage[]): Promise<Map<number, number>> {
  const ids = new Map<number, number>();
  for (const wave of [messages.filter((m) => m.fallbackOfKey === null), messages.filter((m) => m.fallbackOfKey !== null)]) {
    if (wave.length === 0) continue;
    const rows = wave.map((m) => ({ ...m, fallbackOf: m.fallbackOfKey === null ? null : ids.get(m.fallbackOfKey) ?? null }));
    const { rows: written } = await db.query<{ id: number; key: number }>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(key int, "batchId" uuid, "traceId" uuid, "templateId" bigint, channel text,
           recipient text, variables jsonb, priority smallint, status text, attempts int, "lastError" text, "lastErrorKind" text,
           provider text, "providerMessageId" text, "fallbackOf" bigint, "createdAt" timestamptz, "queuedAt" timestamptz,
           "sentAt" timestamptz, "updatedAt" timestamptz, "deliveryStatus" text, "deliveredAt" timestamptz, "deliveryError" text)
       ), inserted AS (
         INSERT INTO dispatch.messages (batch_id, trace_id, template_id, channel, recipient, variables, priority, status, attempts,
           last_error, last_error_kind, provider, provider_message_id, fallback_of, created_at, queued_at, sent_at, updated_at,
           delivery_status, delivered_at, delivery_error)
         SELECT "batchId", "traceId", "templateId", channel, recipient, variables, priority, status, attempts, "lastError",
           "lastErrorKind", provider, "providerMessageId", "fallbackOf", "createdAt", "queuedAt", "sentAt", "updatedAt",
           "deliveryStatus", "deliveredAt", "deliveryError"
         FROM input ORDER BY "createdAt"
         RETURNING id, trace_id
       )
       SELECT inserted.id::int AS id, input.key FROM inserted JOIN input ON input."traceId" = inserted.trace_id`,
      [JSON.stringify(rows)]);
    for (const row of written) ids.set(row.key, row.id);
  }
  return ids;
}

/** True when the dispatcher has never recorded a message (the demo history belongs only in an empty installation). */
export async function noMessagesYet(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM dispatch.messages) AS any');
  return !rows[0]!.any;
}
