import { describe, expect, it } from 'vitest';
import { sleep, uniqueSuffix, useTestService } from '@doitcrm/kit/testing';
import { dispatcherConfigShape } from '../src/config.ts';
import { claimKey, completeKey } from '../src/data-access/idempotency-repository.ts';

const t = useTestService('dispatcher', dispatcherConfigShape);

const request = () => ({ ownerId: 1, key: `k-${uniqueSuffix()}`, method: 'POST', path: '/api/messages/send', hash: 'h1' });

describe('Idempotency-Key claims', () => {
  it('when a slow request\'s claim expired and another took the key over, then the slow one cannot complete it and the taker\'s answer stands', async () => {
    const key = request();
    const slow = await claimKey(t.context.pool, key, crypto.randomUUID(), 1);
    await sleep(20);
    const taker = await claimKey(t.context.pool, key, crypto.randomUUID(), 30_000);

    const slowDone = slow.kind === 'claimed' && await completeKey(t.context.pool, key, slow.token, 202, { by: 'slow' });
    const takerDone = taker.kind === 'claimed' && await completeKey(t.context.pool, key, taker.token, 202, { by: 'taker' });
    const replay = await claimKey(t.context.pool, key, crypto.randomUUID(), 30_000);

    expect([slow.kind, taker.kind, slowDone, takerDone]).toEqual(['claimed', 'claimed', false, true]);
    expect(replay).toEqual({ kind: 'done', status: 202, body: { by: 'taker' } });
  });

  it('when a live claim is held, then another claim of the same request is told to wait and one of another request is refused', async () => {
    const key = request();
    await claimKey(t.context.pool, key, crypto.randomUUID(), 30_000);

    const same = await claimKey(t.context.pool, key, crypto.randomUUID(), 30_000);
    const other = await claimKey(t.context.pool, { ...key, hash: 'h2' }, crypto.randomUUID(), 30_000);

    expect(same).toEqual({ kind: 'in_flight', retryAfterSeconds: expect.any(Number) });
    expect(same.kind === 'in_flight' && same.retryAfterSeconds).toBeGreaterThanOrEqual(20);
    expect(other).toEqual({ kind: 'other_request' });
  });

  it('when a key has expired, then it is claimed afresh even for another request', async () => {
    const key = request();
    const first = await claimKey(t.context.pool, key, crypto.randomUUID(), 30_000);
    if (first.kind === 'claimed') await completeKey(t.context.pool, key, first.token, 202, { n: 1 });
    await t.context.pool.query("UPDATE dispatch.idempotency_keys SET expires_at = now() - interval '1 second' WHERE owner_id = $1 AND key = $2", [key.ownerId, key.key]);

    const again = await claimKey(t.context.pool, { ...key, hash: 'h2' }, crypto.randomUUID(), 30_000);

    expect(again.kind).toBe('claimed');
  });
});
