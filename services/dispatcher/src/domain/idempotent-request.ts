import { createHash, randomUUID } from 'node:crypto';
import { AppError, ConflictError, errorBody, withTransaction, type Pool, type PoolClient } from '@doitcrm/kit';
import { claimKey, completeKey, keyState, releaseKey, type KeyRequest, type KeyState } from '../data-access/idempotency-repository.ts';

export interface Answer {
  status: number;
  body: unknown;
}

/** The key is in use by the same request, still running: 409, and when to ask again. */
export class KeyInFlightError extends ConflictError {
  constructor(readonly retryAfterSeconds: number) {
    super('相同 Idempotency-Key 的请求仍在处理中，请稍后重试', [{ field: 'Idempotency-Key', message: 'idempotency_key_in_use' }]);
  }
}

/** The key was used for another request (another body or route): 422, as Stripe answers. */
export class KeyReusedError extends AppError {
  constructor() {
    super('此 Idempotency-Key 已用于另一个请求（请求体或接口不同）', { status: 422, details: [{ field: 'Idempotency-Key', message: 'key reused with a different request' }] });
  }
}

/** JSON with object keys sorted, so the same body sent with its fields in another order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const requestHash = (body: unknown) => createHash('sha256').update(canonical(body)).digest('hex');

// long enough for a 10,000-recipient batch on a busy box; short enough that a crashed request's key frees soon
const CLAIM_MS = 30_000;

function answerOf(state: KeyState): Answer {
  if (state.kind === 'done') return { status: state.status, body: state.body };
  if (state.kind === 'other_request') throw new KeyReusedError();
  if (state.kind === 'in_flight') throw new KeyInFlightError(state.retryAfterSeconds);
  throw new Error('a claimed key has no answer yet');
}

/**
 * Runs `work` in one transaction, at most once per Idempotency-Key (Stripe's semantics): the same key and request
 * again answers the stored response, another request under the key 422, one still in flight 409. A request the
 * service refused (4xx) is stored too, as Stripe does: the same request would be refused again. A failure that
 * wrote nothing for reasons outside the request (5xx) gives the key back so the client's retry can run.
 * Without a key, `work` simply runs in its transaction.
 */
export async function runIdempotent(
  pool: Pool,
  request: KeyRequest | null,
  work: (client: PoolClient) => Promise<Answer>,
  requestId: string,
): Promise<Answer> {
  if (!request) return withTransaction(pool, work);
  const token = randomUUID();
  const state = await claimKey(pool, request, token, CLAIM_MS);
  if (state.kind !== 'claimed') return answerOf(state);
  let lostClaim = false;
  try {
    return await withTransaction(pool, async (client) => {
      const answer = await work(client);
      // taken over after locked_until (this request was slow, not dead): roll back, so only one of them wrote
      if (!(await completeKey(client, request, token, answer.status, answer.body))) lostClaim = true;
      if (lostClaim) throw new Error('idempotency claim lost');
      return answer;
    });
  } catch (error) {
    if (lostClaim) return answerOf(await keyState(pool, request));
    if (error instanceof AppError && error.status < 500) {
      // if even this fails the claim simply expires at locked_until; the caller still gets the refusal itself
      await completeKey(pool, request, token, error.status, errorBody(error, requestId)).catch(() => false);
    } else {
      await releaseKey(pool, request, token).catch(() => {});
    }
    throw error;
  }
}
