import { createBatcher, prepared, withTransaction, type Batcher, type Pool, type Queryable } from '@doitcrm/kit';
import type { DispatchChannel } from '@doitcrm/types';

/** A message row claimed for sending, with what rendering and sending it needs from its template. */
export interface ClaimedMessage {
  id: number;
  traceId: string;
  batchId: string;
  templateId: number;
  channel: DispatchChannel;
  recipient: string;
  /** where the caller said the fallback goes; null: decided at the failure (fallback-recipient.ts) */
  fallbackRecipient: string | null;
  variables: Record<string, unknown>;
  priority: number;
  /** attempts including this one */
  attempts: number;
  queuedAt: string | null;
  createdBy: number | null;
  /**
   * it was sent before (its dedupe key is recorded) and a person sent it again — a receipt said undelivered: the dedupe
   * window must not swallow the very send they asked for
   */
  resend: boolean;
  template: {
    subject: string | null;
    body: string;
    providerTemplate: string | null;
    webhookUrl: string | null;
    webhookSecretRef: string | null;
    fallbackTemplateId: number | null;
    fallbackChannel: DispatchChannel | null;
    updatedAt: string;
  };
}

/**
 * `claimed`: this worker sends it now. Otherwise the copy is not to be sent: `busy` — another worker holds it and its
 * lease runs (look again after the lease: that worker may have died), `stale` — sent, failed, cancelled, held, or a
 * copy of an earlier attempt, `missing` — no such row.
 */
export type ClaimResult = { outcome: 'claimed'; message: ClaimedMessage } | { outcome: 'busy' | 'stale' | 'missing'; status?: string };

export interface ClaimRequest {
  id: number;
  /** the attempt the queue copy is for (dispatchSendSchema) */
  attempt: number;
}

export type ResultStatus = 'sent' | 'retrying' | 'deferred' | 'failed';

/** The outcome of one claimed message, written with its trace event. */
export interface MessageResult {
  id: number;
  traceId: string;
  status: ResultStatus;
  stage: 'sent' | 'retry' | 'deferred' | 'failed';
  provider?: string;
  providerMessageId?: string;
  error?: string;
  errorKind?: 'transient' | 'permanent' | 'rate_limited';
  /** deferred: when the poller (or a back-off copy) brings it back */
  dueAt?: Date;
  /** a deferral is not an attempt: the claim's count is given back */
  attemptsDelta?: number;
  dedupeKey?: string;
  detail: Record<string, unknown>;
}

const CLAIM_SQL = `
WITH c AS (SELECT DISTINCT ON (id) id, attempt FROM jsonb_to_recordset($1::jsonb) AS c(id bigint, attempt int) ORDER BY id, attempt DESC),
claimed AS (
  UPDATE dispatch.messages m SET status = 'processing', attempts = m.attempts + 1, updated_at = now()
  FROM c
  WHERE m.id = c.id AND (
    m.status = 'queued'
    OR (m.status = 'retrying' AND m.attempts <= c.attempt)
    OR (m.status = 'deferred' AND m.due_at <= now() + interval '200 milliseconds')
    OR (m.status = 'processing' AND m.updated_at < now() - make_interval(secs => $2::double precision)))
  RETURNING m.id, m.trace_id, m.batch_id, m.template_id, m.channel, m.recipient, m.fallback_recipient, m.variables, m.priority, m.attempts, m.queued_at, m.created_by,
    m.dedupe_key IS NOT NULL AS resend
),
traced AS (
  INSERT INTO dispatch.trace_events (message_id, trace_id, stage, detail)
  SELECT id, trace_id, 'processing', jsonb_build_object('attempt', attempts, 'worker', $3::text,
    'sinceQueuedMs', round(extract(epoch FROM now() - COALESCE(queued_at, now())) * 1000)::int) FROM claimed
)
SELECT c.id, m.status AS status_before, cl.id IS NOT NULL AS claimed,
       (m.status = 'processing' AND m.updated_at >= now() - make_interval(secs => $2::double precision)) AS busy,
       cl.trace_id AS "traceId", cl.batch_id AS "batchId", cl.template_id AS "templateId", cl.channel, cl.recipient, cl.variables,
       cl.fallback_recipient AS "fallbackRecipient",
       cl.priority, cl.attempts, to_json(cl.queued_at) #>> '{}' AS "queuedAt", cl.created_by AS "createdBy", cl.resend,
       t.subject, t.body, t.provider_template AS "providerTemplate", t.webhook_url AS "webhookUrl", t.webhook_secret_ref AS "webhookSecretRef",
       t.fallback_template_id AS "fallbackTemplateId", f.channel AS "fallbackChannel", to_json(t.updated_at) #>> '{}' AS "templateUpdatedAt"
FROM c
LEFT JOIN dispatch.messages m ON m.id = c.id
LEFT JOIN claimed cl ON cl.id = c.id
LEFT JOIN dispatch.templates t ON t.id = cl.template_id
LEFT JOIN dispatch.templates f ON f.id = t.fallback_template_id`;

interface ClaimRow {
  id: string; status_before: string | null; claimed: boolean; busy: boolean | null;
  traceId: string; batchId: string; templateId: string; channel: DispatchChannel; recipient: string; fallbackRecipient: string | null; variables: Record<string, unknown>;
  priority: number; attempts: number; queuedAt: string | null; createdBy: string | null; resend: boolean;
  subject: string | null; body: string; providerTemplate: string | null; webhookUrl: string | null; webhookSecretRef: string | null;
  fallbackTemplateId: string | null; fallbackChannel: DispatchChannel | null; templateUpdatedAt: string;
}

function toClaimResult(row: ClaimRow | undefined): ClaimResult {
  if (!row || row.status_before === null) return { outcome: 'missing' };
  if (!row.claimed) return { outcome: row.busy ? 'busy' : 'stale', status: row.status_before };
  return {
    outcome: 'claimed',
    message: {
      id: Number(row.id), traceId: row.traceId, batchId: row.batchId, templateId: Number(row.templateId), channel: row.channel,
      recipient: row.recipient, fallbackRecipient: row.fallbackRecipient, variables: row.variables, priority: row.priority, attempts: row.attempts, queuedAt: row.queuedAt,
      createdBy: row.createdBy === null ? null : Number(row.createdBy), resend: row.resend,
      template: {
        subject: row.subject, body: row.body, providerTemplate: row.providerTemplate, webhookUrl: row.webhookUrl,
        webhookSecretRef: row.webhookSecretRef, fallbackTemplateId: row.fallbackTemplateId === null ? null : Number(row.fallbackTemplateId),
        fallbackChannel: row.fallbackChannel, updatedAt: row.templateUpdatedAt,
      },
    },
  };
}

/** Claims a group of rows in one statement (one UPDATE … RETURNING with its processing traces). */
export async function claimMessages(db: Queryable, requests: ClaimRequest[], leaseSeconds: number, worker: string): Promise<ClaimResult[]> {
  const { rows } = await db.query<ClaimRow>(prepared(CLAIM_SQL, [JSON.stringify(requests), leaseSeconds, worker]));
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  // a second copy of one id in the same group is a duplicate this very process is handling
  const seen = new Set<number>();
  return requests.map((request) => {
    if (seen.has(request.id)) return { outcome: 'stale', status: 'processing' };
    seen.add(request.id);
    return toClaimResult(byId.get(request.id));
  });
}

const RESULT_SQL = `
WITH r AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, "traceId" uuid, status text, stage text, provider text, "providerMessageId" text,
    error text, "errorKind" text, "dueAt" timestamptz, "attemptsDelta" int, "dedupeKey" text, detail jsonb)
),
updated AS (
  UPDATE dispatch.messages m SET
    status = r.status,
    provider = COALESCE(r.provider, m.provider),
    provider_message_id = COALESCE(r."providerMessageId", m.provider_message_id),
    sent_at = CASE WHEN r.status = 'sent' THEN now() ELSE m.sent_at END,
    last_error = CASE WHEN r.status = 'sent' THEN m.last_error ELSE r.error END,
    last_error_kind = CASE WHEN r.status = 'sent' THEN m.last_error_kind ELSE r."errorKind" END,
    due_at = r."dueAt",
    attempts = GREATEST(0, m.attempts + COALESCE(r."attemptsDelta", 0)),
    dedupe_key = COALESCE(r."dedupeKey", m.dedupe_key),
    -- sent: unknown until a receipt says otherwise; an app webhook's 2xx is its delivery (no receipt comes), and a
    -- dedupe duplicate was never handed to a provider, so nothing will ever say
    delivery_status = CASE WHEN r.status <> 'sent' THEN NULL WHEN m.channel = 'app_webhook' AND r.provider IS DISTINCT FROM 'dedupe' THEN 'delivered' ELSE 'unknown' END,
    delivered_at = CASE WHEN r.status = 'sent' AND m.channel = 'app_webhook' AND r.provider IS DISTINCT FROM 'dedupe' THEN now() END,
    delivery_error = NULL,
    updated_at = now()
  FROM r
  WHERE m.id = r.id AND m.status = 'processing'
  RETURNING m.id
)
INSERT INTO dispatch.trace_events (message_id, trace_id, stage, detail)
SELECT r.id, r."traceId", r.stage, r.detail FROM r WHERE r.id IN (SELECT id FROM updated)`;

/** Writes a group of outcomes in one statement; a row another worker took over meanwhile is left as that worker wrote it. */
export async function writeResults(db: Queryable, results: MessageResult[]): Promise<void> {
  await db.query(prepared(RESULT_SQL, [JSON.stringify(results)]));
}

export interface MessageStore {
  claim(request: ClaimRequest): Promise<ClaimResult>;
  record(result: MessageResult): Promise<void>;
  drain(): Promise<void>;
}

export interface MessageStoreOptions {
  pool: Pool;
  leaseSeconds: number;
  worker: string;
  maxItems?: number;
  maxDelayMs?: number;
}

/** Claims and outcomes gathered into small groups (default 100 rows or 20 ms), one round trip per group each. */
export function createMessageStore(options: MessageStoreOptions): MessageStore {
  const group = { maxItems: options.maxItems ?? 100, maxDelayMs: options.maxDelayMs ?? 20, maxConcurrent: 1 };
  const claims: Batcher<ClaimRequest, ClaimResult> = createBatcher({
    ...group, flush: (requests) => claimMessages(options.pool, requests, options.leaseSeconds, options.worker),
  });
  const results: Batcher<MessageResult, void> = createBatcher({
    ...group, flush: async (items) => {
      await writeResults(options.pool, items);
      return items.map(() => undefined);
    },
  });
  return {
    claim: (request) => claims.add(request),
    record: (result) => results.add(result),
    async drain() {
      await claims.drain();
      await results.drain();
    },
  };
}

export interface FallbackRow {
  originalId: number;
  originalTraceId: string;
  templateId: number;
  channel: DispatchChannel;
  recipient: string;
  /** for the trace: which recipient it went to (masked) and where that came from */
  traceDetail: Record<string, unknown>;
  routingKey: string;
  tier: number;
}

/**
 * Records a permanent failure and, when there is a fallback, its message row and outbox row, in one transaction so
 * the fallback is neither lost nor created twice (`fallback_of` is checked first: a retried permanent failure finds it).
 */
export async function failWithFallback(pool: Pool, failure: MessageResult, fallback: FallbackRow | null): Promise<{ fallbackId: number | null }> {
  return withTransaction(pool, async (db) => {
    await writeResults(db, [failure]);
    if (!fallback) return { fallbackId: null };
    const existing = await db.query<{ id: string }>('SELECT id FROM dispatch.messages WHERE fallback_of = $1', [fallback.originalId]);
    if (existing.rows[0]) return { fallbackId: Number(existing.rows[0].id) };
    const { rows } = await db.query<{ id: string; trace_id: string }>(
      `INSERT INTO dispatch.messages (batch_id, trace_id, template_id, channel, recipient, variables, priority, status, fallback_of, created_by, queued_at)
       SELECT batch_id, gen_random_uuid(), $2, $3, $4, variables, priority, 'queued', id, created_by, now()
       FROM dispatch.messages WHERE id = $1
       RETURNING id, trace_id`, [fallback.originalId, fallback.templateId, fallback.channel, fallback.recipient]);
    const row = rows[0]!;
    const fallbackId = Number(row.id);
    await db.query('INSERT INTO dispatch.outbox (message_id, trace_id, routing_key, tier, attempt) VALUES ($1, $2, $3, $4, 0)',
      [fallbackId, row.trace_id, fallback.routingKey, fallback.tier]);
    await db.query(`INSERT INTO dispatch.trace_events (message_id, trace_id, stage, detail) VALUES ($1, $2, 'fallback', $3), ($4, $5, 'queued', $6)`,
      [fallback.originalId, fallback.originalTraceId, { fallbackMessageId: fallbackId, channel: fallback.channel, ...fallback.traceDetail },
        fallbackId, row.trace_id, { fallbackOf: fallback.originalId, ...fallback.traceDetail }]);
    return { fallbackId };
  });
}
