import type { Queryable } from '@doitcrm/kit';
import type { DeliveryReceipt, ReceiptProvider } from '../domain/receipt-formats.ts';

/**
 * Stores receipt items once each: a replayed push (same provider, same fields) inserts nothing. Returns how many were
 * new; the rest were replays.
 */
export async function storeReceipts(db: Queryable, receipts: readonly DeliveryReceipt[]): Promise<number> {
  if (receipts.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO dispatch.delivery_receipts (provider, provider_message_id, out_id, fingerprint, delivered, reported_at, error_code, error, detail)
     SELECT provider, "providerMessageId", "outId", fingerprint, delivered, "reportedAt", "errorCode", error, detail
     FROM jsonb_to_recordset($1::jsonb) AS r(provider text, "providerMessageId" text, "outId" text, fingerprint text, delivered boolean,
       "reportedAt" timestamptz, "errorCode" text, error text, detail jsonb)
     ON CONFLICT (provider, fingerprint) DO NOTHING`,
    [JSON.stringify(receipts)]);
  return rowCount ?? 0;
}

/** ISO 8601 with the +08:00 offset: read as Beijing time on the page, still exact for a program. */
const BEIJING_ISO = (column: string) => `to_char(${column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+08:00"')`;

export interface SettleResult {
  /** receipts matched to their sent message this pass (each one callback trace event), per provider */
  applied: Partial<Record<ReceiptProvider, number>>;
  /** receipts no sent message claimed within the grace period, per provider: now `unknown` */
  unknown: Partial<Record<ReceiptProvider, number>>;
  /** the pass stopped at its batch size */
  more: boolean;
}

/**
 * One pass over pending receipts, in one statement: each is matched to the *sent* message carrying its provider id
 * (Aliyun's out_id, when given, must be that message's trace id, so a stray biz_id cannot mark another message); the
 * message takes the latest receipt's verdict (by the receipt's own time, so an out-of-order push cannot undo a newer
 * one), every matched receipt becomes one `callback` trace event, and receipts still unmatched after `unknownAfterSeconds`
 * are settled as unknown. A receipt that overtook our own send record simply waits here for it. SKIP LOCKED: instances
 * and the receipt route may run passes at once without applying a receipt twice.
 */
export async function settleReceipts(db: Queryable, options: { batchSize: number; unknownAfterSeconds: number }): Promise<SettleResult> {
  const { rows } = await db.query<{ picked: number; applied: Partial<Record<ReceiptProvider, number>>; unknown: Partial<Record<ReceiptProvider, number>> }>(
    `WITH pending AS (
       SELECT id, provider, provider_message_id, out_id, delivered, reported_at, error_code, error, detail, received_at
       FROM dispatch.delivery_receipts WHERE state = 'pending'
       ORDER BY received_at, id LIMIT $1
       FOR UPDATE SKIP LOCKED
     ), matched AS (
       SELECT DISTINCT ON (p.id) p.*, m.id AS message_id, m.trace_id, coalesce(p.reported_at, p.received_at) AS verdict_at
       FROM pending p
       JOIN dispatch.messages m ON m.provider_message_id = p.provider_message_id AND m.provider = p.provider AND m.status = 'sent'
         AND (p.out_id IS NULL OR p.out_id = m.trace_id::text)
       ORDER BY p.id, m.id
     ), latest AS (
       SELECT DISTINCT ON (message_id) * FROM matched ORDER BY message_id, verdict_at DESC, id DESC
     ), updated AS (
       UPDATE dispatch.messages m SET
         delivery_status = CASE WHEN l.delivered THEN 'delivered' ELSE 'undelivered' END,
         delivered_at = l.verdict_at,
         delivery_error = CASE WHEN l.delivered THEN NULL ELSE concat_ws(' ', l.error_code, l.error) END,
         updated_at = now()
       FROM latest l
       WHERE m.id = l.message_id AND (m.delivered_at IS NULL OR m.delivery_status = 'unknown' OR l.verdict_at >= m.delivered_at)
       RETURNING m.id
     ), traced AS (
       -- every data-modifying CTE runs to completion whether or not the final SELECT reads it
       INSERT INTO dispatch.trace_events (message_id, trace_id, stage, detail)
       SELECT message_id, trace_id, 'callback', jsonb_strip_nulls(jsonb_build_object(
         'provider', provider, 'delivered', delivered, 'reportedAt', ${BEIJING_ISO('reported_at')}, 'receivedAt', ${BEIJING_ISO('received_at')},
         'error', CASE WHEN delivered THEN NULL ELSE concat_ws(' ', error_code, error) END)) || detail
       FROM matched
       RETURNING 1
     ), settled AS (
       UPDATE dispatch.delivery_receipts r SET state = 'applied', message_id = matched.message_id, settled_at = now()
       FROM matched WHERE r.id = matched.id
       RETURNING r.provider
     ), expired AS (
       UPDATE dispatch.delivery_receipts r SET state = 'unknown', settled_at = now()
       FROM pending p
       WHERE r.id = p.id AND p.received_at < now() - make_interval(secs => $2::double precision) AND NOT EXISTS (SELECT 1 FROM matched WHERE matched.id = p.id)
       RETURNING r.provider
     )
     SELECT (SELECT count(*) FROM pending)::int AS picked,
       (SELECT coalesce(jsonb_object_agg(provider, n), '{}'::jsonb) FROM (SELECT provider, count(*)::int AS n FROM settled GROUP BY provider) a) AS applied,
       (SELECT coalesce(jsonb_object_agg(provider, n), '{}'::jsonb) FROM (SELECT provider, count(*)::int AS n FROM expired GROUP BY provider) e) AS unknown`,
    [options.batchSize, options.unknownAfterSeconds]);
  const row = rows[0]!;
  return { applied: row.applied, unknown: row.unknown, more: row.picked === options.batchSize };
}
