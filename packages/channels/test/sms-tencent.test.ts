import { createTencentSmsFake, type TencentSmsFakeOptions } from '@doitcrm/fakes';
import { listenChannelFake } from '@doitcrm/fakes/testing';
import { describe, expect, test } from 'vitest';
import { createTencentSmsAdapter } from '../src/adapters/sms-tencent.ts';
import { failure, message, HOLD_MS, SHORT_TIMEOUT_MS, TIMEOUT_MS } from './fixtures.ts';

async function tencent(options: { secretKey?: string; timeoutMs?: number; fake?: TencentSmsFakeOptions } = {}) {
  const { fake, url } = await listenChannelFake(createTencentSmsFake(options.fake));
  const adapter = createTencentSmsAdapter({
    endpoint: url, secretId: fake.secretId, secretKey: options.secretKey ?? fake.secretKey, smsSdkAppId: fake.smsSdkAppId,
    signName: '学校通知', region: 'ap-guangzhou', timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
  });
  return { fake, adapter };
}

describe('Tencent SMS adapter against the fake', () => {
  test('when a message is sent, then the fake accepts its TC3 signature and counts one delivery under the SessionContext carrying our id', async () => {
    // Arrange
    const { fake, adapter } = await tencent();
    const sms = message();

    // Act
    const result = await adapter.send(sms);

    // Assert
    expect(fake.deliveries.count(sms.id)).toBe(1);
    expect(result.providerMessageId).toBe(fake.deliveries.last()?.providerId);
    expect(fake.deliveries.last()?.body).toMatchObject({ TemplateParamSet: ['小明', '10:00'], SessionContext: sms.id });
  });

  test('when the same content goes to a number twice within 30 s, then the second is a recipient rate limit with 30 s to wait', async () => {
    // Arrange
    const { adapter } = await tencent();
    const first = message();
    await adapter.send(first);

    // Act
    const error = await failure(adapter.send({ ...message(), to: first.to }));

    // Assert
    expect(error).toMatchObject({ kind: 'rate-limited', code: 'LimitExceeded.PhoneNumberThirtySecondLimit', retryAfterMs: 30_000, recipient: true });
  });

  test('when the account sends faster than its API limit, then RequestLimitExceeded is a provider rate limit of a second', async () => {
    // Arrange
    const { adapter } = await tencent({ fake: { qps: 1 } });
    await adapter.send(message());

    // Act
    const error = await failure(adapter.send(message()));

    // Assert
    expect(error).toMatchObject({ kind: 'rate-limited', code: 'RequestLimitExceeded', retryAfterMs: 1_000, recipient: false });
  });

  test('when Tencent has an internal error, then transient; when the SMS package is used up, then permanent', async () => {
    // Arrange
    const { fake, adapter } = await tencent();
    fake.inject({ kind: 'transient', times: 1 });
    fake.inject({ kind: 'permanent', times: 1 });

    // Act
    const internal = await failure(adapter.send(message()));
    const balance = await failure(adapter.send(message()));

    // Assert
    expect(internal).toMatchObject({ kind: 'transient', code: 'InternalError' });
    expect(balance).toMatchObject({ kind: 'permanent', code: 'FailedOperation.InsufficientBalanceInSmsPackage', recipient: false });
  });

  test('when the adapter signs with a wrong key, then the fake refuses the signature and nothing is sent', async () => {
    // Arrange
    const { fake, adapter } = await tencent({ secretKey: 'wrong' });

    // Act
    const error = await failure(adapter.send(message()));

    // Assert
    expect(error).toMatchObject({ kind: 'permanent', code: 'AuthFailure.SignatureFailure' });
    expect(fake.deliveries.report().total).toBe(0);
  });

  test('when Tencent holds its answer past the deadline, then the adapter gives up with a transient, ambiguous timeout', async () => {
    // Arrange
    const { fake, adapter } = await tencent({ timeoutMs: SHORT_TIMEOUT_MS });
    fake.inject({ kind: 'timeout', delayMs: HOLD_MS });
    const started = Date.now();

    // Act
    const error = await failure(adapter.send(message()));

    // Assert
    expect(error).toMatchObject({ kind: 'transient', code: 'timeout', ambiguous: true });
    expect(Date.now() - started).toBeLessThan(HOLD_MS / 2);
  });
});
