import { createAppWebhookReceiver } from '@doitcrm/fakes';
import { listenChannelFake } from '@doitcrm/fakes/testing';
import { describe, expect, test } from 'vitest';
import { createAppWebhookAdapter } from '../src/adapters/app-webhook.ts';
import { failure, message, HOLD_MS, SHORT_TIMEOUT_MS, TIMEOUT_MS } from './fixtures.ts';

async function receiver(options: { secret?: string; timeoutMs?: number; perMinute?: number } = {}) {
  const { fake, url } = await listenChannelFake(createAppWebhookReceiver(options.perMinute === undefined ? {} : { perMinute: options.perMinute }));
  const adapter = createAppWebhookAdapter({ url: `${url}/hooks/notify`, secret: options.secret ?? fake.secret, timeoutMs: options.timeoutMs ?? TIMEOUT_MS });
  return { fake, adapter };
}

describe('App webhook adapter against the receiver', () => {
  test('when a message is posted, then the receiver verifies X-Signature and records X-Message-Id and X-Trace-Id', async () => {
    // Arrange
    const { fake, adapter } = await receiver();
    const notice = message();

    // Act
    const result = await adapter.send(notice);

    // Assert
    expect(result.providerMessageId).toBe(notice.id);
    expect(fake.received).toEqual([{ messageId: notice.id, traceId: notice.traceId, body: expect.objectContaining({ id: notice.id, text: notice.text }) }]);
  });

  test('when the same message is posted twice, then the receiver acts on it once', async () => {
    // Arrange
    const { fake, adapter } = await receiver();
    const notice = message();
    await adapter.send(notice);

    // Act
    await adapter.send(notice);

    // Assert
    expect(fake.deliveries.count(notice.id)).toBe(1);
    expect(fake.deliveries.report().deduplicated).toBe(1);
  });

  test('when the secret does not match, then the 401 is permanent and nothing is delivered', async () => {
    // Arrange
    const { fake, adapter } = await receiver({ secret: 'not-shared' });

    // Act
    const error = await failure(adapter.send(message()));

    // Assert
    expect(error).toMatchObject({ kind: 'permanent', code: '401' });
    expect(fake.deliveries.report().total).toBe(0);
  });

  test('when the receiver answers 429 with Retry-After, then rate-limited for that long', async () => {
    // Arrange
    const { adapter } = await receiver({ perMinute: 1 });
    await adapter.send(message());

    // Act
    const error = await failure(adapter.send(message()));

    // Assert
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBeGreaterThan(55_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  test('when the receiver answers 503, then transient; 422, then permanent; no answer, then an ambiguous timeout', async () => {
    // Arrange
    const { fake, adapter } = await receiver({ timeoutMs: SHORT_TIMEOUT_MS });
    fake.inject({ kind: 'transient', times: 1 });
    fake.inject({ kind: 'permanent', times: 1 });
    fake.inject({ kind: 'timeout', delayMs: HOLD_MS, times: 1 });

    // Act
    const unavailable = await failure(adapter.send(message()));
    const rejected = await failure(adapter.send(message()));
    const held = await failure(adapter.send(message()));

    // Assert
    expect(unavailable).toMatchObject({ kind: 'transient', code: '503' });
    expect(rejected).toMatchObject({ kind: 'permanent', code: '422' });
    expect(held).toMatchObject({ kind: 'transient', code: 'timeout', ambiguous: true });
  });
});
