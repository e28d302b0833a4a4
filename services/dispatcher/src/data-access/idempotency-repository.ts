import type { Queryable } from '@doitcrm/kit';

export interface KeyRequest {
  ownerId: number;
  key: string;
  method: string;
  path: string;
  /** sha256 of the canonical body */
  hash: string;
}

export type KeyState =
  | { kind: 'claimed'; token: string }
  | { kind: 'done'; status: number; body: unknown }
  | { kind: 'other_request' }
  | { kind: 'in_flight'; retryAfterSeconds: number };

/**
 * Claims a key for one request, atomically: a new key, an expired one, or an in-flight claim of the same request
 * whose locked_until has passed (its process died) becomes this request's, under a fresh token. Otherwise says what
 * holds the key. Two requests racing for a new key meet on the primary key: the second waits for the first's insert
 * and then finds it in flight.
 */
export async function claimKey(db: Queryable, request: KeyRequest, token: string, lockMs: number): Promise<KeyState> {
  const values = [request.ownerId, request.key, request.method, request.path, request.hash, token, lockMs];
  const claimed = await db.query(
    `INSERT INTO dispatch.idempotency_keys AS k (owner_id, key, request_method, request_path, request_hash, state, locked_until, claim_token)
     VALUES ($1, $2, $3, $4, $5, 'in_flight', now() + $7 * interval '1 millisecond', $6)
     ON CONFLICT (owner_id, key) DO UPDATE SET request_method = EXCLUDED.request_method, request_path = EXCLUDED.request_path,
       request_hash = EXCLUDED.request_hash, state = 'in_flight', response_status = NULL, response_body = NULL,
       locked_until = EXCLUDED.locked_until, claim_token = EXCLUDED.claim_token, created_at = now(), expires_at = now() + interval '24 hours'
     WHERE k.expires_at <= now()
        OR (k.state = 'in_flight' AND k.locked_until <= now() AND k.request_hash = EXCLUDED.request_hash
            AND k.request_method = EXCLUDED.request_method AND k.request_path = EXCLUDED.request_path)
     RETURNING claim_token`, values);
  if (claimed.rowCount === 1) return { kind: 'claimed', token };
  return keyState(db, request);
}

/** What holds a key this request could not claim: its stored answer, another request, or a claim still running. */
export async function keyState(db: Queryable, request: KeyRequest): Promise<Exclude<KeyState, { kind: 'claimed' }>> {
  const { rows } = await db.query<{ same: boolean; state: string; status: number | null; body: unknown; wait_ms: number }>(
    `SELECT request_hash = $3 AND request_method = $4 AND request_path = $5 AS same, state, response_status AS status,
            response_body AS body, greatest(0, extract(epoch FROM locked_until - now()) * 1000)::float8 AS wait_ms
     FROM dispatch.idempotency_keys WHERE owner_id = $1 AND key = $2`,
    [request.ownerId, request.key, request.hash, request.method, request.path]);
  const row = rows[0];
  // deleted between the two statements (a released claim): the caller's retry claims it
  if (!row) return { kind: 'in_flight', retryAfterSeconds: 1 };
  if (!row.same) return { kind: 'other_request' };
  if (row.state === 'done') return { kind: 'done', status: row.status!, body: row.body };
  return { kind: 'in_flight', retryAfterSeconds: Math.max(1, Math.ceil(row.wait_ms / 1000)) };
}

/**
 * Stores the answer, only while the claim is still this token's; false when another request took the key over (so
 * the caller's transaction, holding its writes, must roll back). Inside that transaction, the row lock also makes
 * a concurrent takeover wait and then find the key done.
 */
export async function completeKey(db: Queryable, request: KeyRequest, token: string, status: number, body: unknown): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE dispatch.idempotency_keys SET state = 'done', response_status = $4, response_body = $5, locked_until = NULL
     WHERE owner_id = $1 AND key = $2 AND claim_token = $3 AND state = 'in_flight'`,
    [request.ownerId, request.key, token, status, JSON.stringify(body)]);
  return rowCount === 1;
}

/** Gives a key back after a failure that wrote nothing and says nothing about the request (PostgreSQL away, a bug). */
export async function releaseKey(db: Queryable, request: KeyRequest, token: string): Promise<void> {
  await db.query(
    "DELETE FROM dispatch.idempotency_keys WHERE owner_id = $1 AND key = $2 AND claim_token = $3 AND state = 'in_flight'",
    [request.ownerId, request.key, token]);
}
