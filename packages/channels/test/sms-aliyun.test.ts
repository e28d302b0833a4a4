import { createAliyunSmsFake } from '@doitcrm/fakes';
import { listenChannelFake } from '@doitcrm/fakes/testing';
import { describe, expect, test } from 'vitest';
import { createAliyunSmsAdapter } from '../src/adapters/sms-aliyun.ts';
import { failure, message, HOLD_MS, SHORT_TIMEOUT_MS, TIMEOUT_MS } from './fixtures.ts';

async function aliyun(options: { secret?: string; timeoutMs?: number } = {}) {
  const { fake, url } = await listenChannelFake(createAliyunSmsFake());
  const adapter = createAliyunSmsAdapter({
    endpoint: url, accessKeyId: fake.accessKeyId, accessKeySecret: options.secret ?? fake.accessKeySecret, signName: '学校通知',
    timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
  });
  return { fake, adapter };
}

describe('Aliyun SMS adapter against the fake', () => {
  test('when a message is sent, then the fake accepts its RPC signature, delivers it once under its OutId and the BizId comes back', async () => {
    // Arrange
    const { fake, adapter } = await aliyun();
    const sms = message();

    // Act
    const result = await adapter.send(sms);

    // Assert
    expect(result.providerMessageId).toBe(fake.deliveries.last()?.providerId);
    expect(fake.deliveries.count(sms.id)).toBe(1);
    expect(fake.deliveries.last()).toMatchObject({ to: sms.to });
  });

  test('when the number was sent to a moment ago, then isv.BUSINESS_LIMIT_CONTROL is a per-recipient rate limit with a minute to wait', async () => {
    // Arrange
    const { adapter } = await aliyun();
    const first = message();
    await adapter.send(first);

    // Act
    const error = await failure(adapter.send(message({ to: first.to })));

    // Assert
    expect(error).toMatchObject({ kind: 'rate-limited', code: 'isv.BUSINESS_LIMIT_CONTROL', retryAfterMs: 60_000, recipient: true });
  });

  test('when Aliyun has a system error or its gateway answers 503, then both are transient', async () => {
    // Arrange
    const { fake, adapter } = await aliyun();
    fake.inject({ kind: 'transient', times: 1 });
    fake.inject({ kind: 'transient', status: 503, times: 1 });

    // Act
    const systemError = await failure(adapter.send(message()));
    const gateway = await failure(adapter.send(message()));

    // Assert
    expect(systemError).toMatchObject({ kind: 'transient', code: 'isp.SYSTEM_ERROR' });
    expect(gateway).toMatchObject({ kind: 'transient', code: 'ServiceUnavailable' });
    expect(fake.deliveries.report().total).toBe(0);
  });

  test('when the account balance runs out, then the error is permanent and about the provider, not the recipient', async () => {
    // Arrange
    const { fake, adapter } = await aliyun();
    fake.inject({ kind: 'permanent', code: 'isv.AMOUNT_NOT_ENOUGH' });

    // Act
    const error = await failure(adapter.send(message()));

    // Assert
    expect(error).toMatchObject({ kind: 'permanent', code: 'isv.AMOUNT_NOT_ENOUGH', recipient: false });
  });

  test('when the number is malformed, then isv.MOBILE_NUMBER_ILLEGAL is permanent for that recipient', async () => {
    // Arrange
    const { adapter } = await aliyun();

    // Act
    const error = await failure(adapter.send(message({ to: '12-34' })));

    // Assert
    expect(error).toMatchObject({ kind: 'permanent', code: 'isv.MOBILE_NUMBER_ILLEGAL', recipient: true });
  });

  test('when the adapter signs with the wrong secret, then the fake refuses the signature and nothing is sent', async () => {
    // Arrange
    const { fake, adapter } = await aliyun({ secret: 'wrong' });

    // Act
    const error = await failure(adapter.send(message()));

    // Assert
    expect(error).toMatchObject({ kind: 'permanent', code: 'SignatureDoesNotMatch' });
    expect(fake.deliveries.report().total).toBe(0);
  });

  test('when Aliyun sends but answers too late, then the error is a transient, ambiguous timeout and the delivery is findable by OutId', async () => {
    // Arrange
    const { fake, adapter } = await aliyun({ timeoutMs: SHORT_TIMEOUT_MS });
    fake.inject({ kind: 'timeout', deliver: true, delayMs: HOLD_MS, times: 1 });
    const sms = message();

    // Act
    const error = await failure(adapter.send(sms));

    // Assert
    expect(error).toMatchObject({ kind: 'transient', code: 'timeout', ambiguous: true });
    expect(fake.deliveries.count(sms.id)).toBe(1);
  });
});
