import type { Queryable } from '@doitcrm/kit';

export interface InboxRow {
  id: number;
  eventType: string;
  changeType: string;
  rawPlaintext: string;
  attempts: number;
  receivedAt: Date;
}

/**
 * Stores a verified callback, once per decrypted body (sha256): `stored` false means WeCom's retry (or a replay) of
 * an event already in the inbox, which is answered 200 and changes nothing.
 */
export async function storeCallback(db: Queryable, event: { sha256: string; eventType: string; changeType: string; plaintext: string }): Promise<{ stored: boolean; id: number | null }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO contacts.callback_inbox (body_sha256, event_type, change_type, raw_plaintext) VALUES ($1, $2, $3, $4)
     ON CONFLICT (body_sha256) DO NOTHING RETURNING id`,
    [event.sha256, event.eventType, event.changeType, event.plaintext],
  );
  return rows[0] ? { stored: true, id: Number(rows[0].id) } : { stored: false, id: null };
}

/**
 * The oldest due unapplied row, locked for this transaction; SKIP LOCKED lets several appliers (replicas) share the
 * inbox without waiting on each other or applying one row twice.
 */
export async function claimDueCallback(db: Queryable): Promise<InboxRow | null> {
  const { rows } = await db.query<{ id: string; event_type: string; change_type: string; raw_plaintext: string; attempts: number; received_at: Date }>(
    `SELECT id, event_type, change_type, raw_plaintext, attempts, received_at FROM contacts.callback_inbox
     WHERE applied_at IS NULL AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
  );
  const row = rows[0];
  return row ? { id: Number(row.id), eventType: row.event_type, changeType: row.change_type, rawPlaintext: row.raw_plaintext, attempts: row.attempts, receivedAt: row.received_at } : null;
}

export async function markApplied(db: Queryable, id: number, outcome: 'applied' | 'not_applied', note: string | null): Promise<void> {
  await db.query('UPDATE contacts.callback_inbox SET applied_at = now(), outcome = $2, error = $3, attempts = attempts + 1 WHERE id = $1', [id, outcome, note]);
}

/** A failed apply: tried again after `delaySeconds`, its error shown by the monitor until it applies. */
export async function markFailed(db: Queryable, id: number, error: string, delaySeconds: number): Promise<void> {
  await db.query(
    `UPDATE contacts.callback_inbox SET attempts = attempts + 1, error = $2, next_attempt_at = now() + make_interval(secs => $3)
     WHERE id = $1 AND applied_at IS NULL`,
    [id, error.slice(0, 2000), delaySeconds],
  );
}

/** Unapplied rows and the age of the oldest (the inbox lag gauge and the health score's delay). */
export async function inboxBacklog(db: Queryable): Promise<{ pending: number; failing: number; oldestSeconds: number }> {
  const { rows } = await db.query<{ pending: number; failing: number; oldest: number | null }>(
    `SELECT count(*)::int AS pending, count(*) FILTER (WHERE attempts > 0)::int AS failing,
       extract(epoch FROM now() - min(received_at))::float8 AS oldest
     FROM contacts.callback_inbox WHERE applied_at IS NULL`,
  );
  return { pending: rows[0]!.pending, failing: rows[0]!.failing, oldestSeconds: rows[0]!.oldest ?? 0 };
}

export type CallbackCounter = 'callbacks_received' | 'callbacks_refused' | 'callbacks_duplicate' | 'callbacks_applied' | 'callback_errors';

/** Adds to today's (Beijing day) callback figures; an applied event also adds its receipt-to-apply delay. */
export async function countCallback(db: Queryable, timezone: string, counter: CallbackCounter, delaySeconds = 0): Promise<void> {
  await db.query(
    `INSERT INTO contacts.daily_metrics AS d (day, ${counter}, apply_delay_seconds_sum, apply_delay_seconds_max)
     VALUES ((now() AT TIME ZONE $1)::date, 1, $2, $2)
     ON CONFLICT (day) DO UPDATE SET ${counter} = d.${counter} + 1, apply_delay_seconds_sum = d.apply_delay_seconds_sum + excluded.apply_delay_seconds_sum,
       apply_delay_seconds_max = greatest(d.apply_delay_seconds_max, excluded.apply_delay_seconds_max), updated_at = now()`,
    [timezone, delaySeconds],
  );
}
