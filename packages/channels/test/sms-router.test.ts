import { createAliyunSmsFake, createTencentSmsFake } from '@doitcrm/fakes';
import { listenChannelFake } from '@doitcrm/fakes/testing';
import { describe, expect, test } from 'vitest';
import { createAliyunSmsAdapter } from '../src/adapters/sms-aliyun.ts';
import { createTencentSmsAdapter } from '../src/adapters/sms-tencent.ts';
import { createSmsRouter, ProvidersOverLimitError, type ProviderAdmission, type SmsRouterOptions } from '../src/sms-router.ts';
import { failure, HOLD_MS, message, SHORT_TIMEOUT_MS } from './fixtures.ts';

async function twoProviders(weights: { aliyun: number; tencent: number }, options: SmsRouterOptions = {}) {
  // generous per-number limits: these tests are about the split, not the limits
  const aliyun = await listenChannelFake(createAliyunSmsFake({ perNumber: { minute: 1000, hour: 1000, day: 1000 } }));
  const tencent = await listenChannelFake(createTencentSmsFake({ perNumber: { sameContentSeconds: 0, perHour: 1000, perDay: 1000 } }));
  const router = createSmsRouter([
    {
      weight: weights.aliyun,
      adapter: createAliyunSmsAdapter({
        endpoint: aliyun.url, accessKeyId: aliyun.fake.accessKeyId, accessKeySecret: aliyun.fake.accessKeySecret, signName: '学校通知', timeoutMs: SHORT_TIMEOUT_MS,
      }),
    },
    {
      weight: weights.tencent,
      adapter: createTencentSmsAdapter({
        endpoint: tencent.url, secretId: tencent.fake.secretId, secretKey: tencent.fake.secretKey, smsSdkAppId: tencent.fake.smsSdkAppId,
        signName: '学校通知', region: 'ap-guangzhou', timeoutMs: SHORT_TIMEOUT_MS,
      }),
    },
  ], options);
  return { aliyun: aliyun.fake, tencent: tencent.fake, router };
}

describe('SMS router over Aliyun and Tencent fakes', () => {
  test('when 200 messages go out with weights 3:1, then each provider sends about its share and every message exactly once', async () => {
    // Arrange
    const { aliyun, tencent, router } = await twoProviders({ aliyun: 3, tencent: 1 });
    const messages = Array.from({ length: 200 }, () => message());

    // Act
    for (const sms of messages) await router.send(sms);

    // Assert
    const viaAliyun = aliyun.deliveries.report().total;
    expect(viaAliyun + tencent.deliveries.report().total).toBe(200);
    expect(viaAliyun).toBeGreaterThan(125);
    expect(viaAliyun).toBeLessThan(175);
    expect(messages.every((m) => aliyun.deliveries.count(m.id) + tencent.deliveries.count(m.id) === 1)).toBe(true);
  });

  test('when the first provider fails transiently, then the next takes over and the message is sent once, by it', async () => {
    // Arrange
    const { aliyun, tencent, router } = await twoProviders({ aliyun: 1, tencent: 0 });
    aliyun.inject({ kind: 'transient', status: 502 });
    const sms = message();

    // Act
    const result = await router.send(sms);

    // Assert
    expect(result.channel).toBe('sms_tencent');
    expect(aliyun.deliveries.count(sms.id)).toBe(0);
    expect(tencent.deliveries.count(sms.id)).toBe(1);
  });

  test('when the first provider is out of balance, then the next takes over', async () => {
    // Arrange
    const { aliyun, tencent, router } = await twoProviders({ aliyun: 1, tencent: 0 });
    aliyun.inject({ kind: 'permanent', code: 'isv.AMOUNT_NOT_ENOUGH' });
    const sms = message();

    // Act
    const result = await router.send(sms);

    // Assert
    expect(result.channel).toBe('sms_tencent');
    expect(tencent.deliveries.count(sms.id)).toBe(1);
  });

  test('when the number is over its per-number limit, then the router does not dodge the limit through the other provider', async () => {
    // Arrange
    const { aliyun, tencent, router } = await twoProviders({ aliyun: 1, tencent: 0 });
    aliyun.inject({ kind: 'rate-limit' });

    // Act
    const error = await failure(router.send(message()));

    // Assert
    expect(error).toMatchObject({ kind: 'rate-limited', code: 'isv.BUSINESS_LIMIT_CONTROL', recipient: true });
    expect(tencent.deliveries.report().total).toBe(0);
  });

  test('when the first provider times out after sending, then by default the router throws instead of sending again elsewhere', async () => {
    // Arrange
    const { aliyun, tencent, router } = await twoProviders({ aliyun: 1, tencent: 0 });
    aliyun.inject({ kind: 'timeout', deliver: true, delayMs: HOLD_MS });
    const sms = message();

    // Act
    const error = await failure(router.send(sms));

    // Assert
    expect(error).toMatchObject({ kind: 'transient', ambiguous: true });
    expect(aliyun.deliveries.count(sms.id)).toBe(1);
    expect(tencent.deliveries.count(sms.id)).toBe(0);
  });

  test('when failover after timeouts is allowed, then the next provider sends it and the fakes show the duplicate that costs', async () => {
    // Arrange
    const { aliyun, tencent, router } = await twoProviders({ aliyun: 1, tencent: 0 }, { failoverOnAmbiguous: true });
    aliyun.inject({ kind: 'timeout', deliver: true, delayMs: HOLD_MS });
    const sms = message();

    // Act
    const result = await router.send(sms);

    // Assert
    expect(result.channel).toBe('sms_tencent');
    expect(aliyun.deliveries.count(sms.id) + tencent.deliveries.count(sms.id)).toBe(2);
  });

  test('when every provider fails, then the caller gets the transient failure rather than a rate limit', async () => {
    // Arrange
    const { aliyun, tencent, router } = await twoProviders({ aliyun: 1, tencent: 1 });
    aliyun.inject({ kind: 'transient', status: 503 });
    tencent.inject({ kind: 'transient', code: 'RequestLimitExceeded' });

    // Act
    const error = await failure(router.send(message()));

    // Assert
    expect(error.kind).toBe('transient');
  });

  test('when a message is retried, then it goes to the same provider first', async () => {
    // Arrange
    const { aliyun, tencent, router } = await twoProviders({ aliyun: 1, tencent: 1 });
    const sms = message();
    const first = await router.send(sms);

    // Act
    const again = await router.send(sms);

    // Assert
    expect(again.channel).toBe(first.channel);
    expect(aliyun.deliveries.count(sms.id) + tencent.deliveries.count(sms.id)).toBe(2);
  });

  test('when the provider picked by weight is at its limit, then the next with room sends it and the first is never called', async () => {
    // Arrange: every message would go to Aliyun first; Aliyun is full
    const settled: string[] = [];
    const admit = async (provider: string): Promise<ProviderAdmission> => (provider === 'sms_aliyun'
      ? { admitted: false, retryAfterMs: 400, refusedBy: ['provider_rate'] }
      : { admitted: true, settle: async (outcome) => { settled.push(`${provider}:${outcome}`); } });
    const { aliyun, tencent, router } = await twoProviders({ aliyun: 1, tencent: 0 }, { admit });
    const sms = message();

    // Act
    const result = await router.send(sms);

    // Assert
    expect(result).toMatchObject({ channel: 'sms_tencent', skipped: [{ provider: 'sms_aliyun', refusedBy: ['provider_rate'], retryAfterMs: 400 }] });
    expect(aliyun.deliveries.count(sms.id)).toBe(0);
    expect(tencent.deliveries.count(sms.id)).toBe(1);
    expect(settled).toEqual(['sms_tencent:sent']);
  });

  test('when every provider is at its limit, then nothing is sent and the error names each limit with the soonest retry', async () => {
    // Arrange
    const waits: Record<string, number> = { sms_aliyun: 900, sms_tencent: 250 };
    const admit = async (provider: string): Promise<ProviderAdmission> => ({ admitted: false, retryAfterMs: waits[provider]!, refusedBy: [`${provider}_cap`] });
    const { aliyun, tencent, router } = await twoProviders({ aliyun: 1, tencent: 1 }, { admit });

    // Act
    const error = await failure(router.send(message()));

    // Assert
    expect(error).toBeInstanceOf(ProvidersOverLimitError);
    expect(error).toMatchObject({ kind: 'rate-limited', code: 'provider_limit', retryAfterMs: 250 });
    expect(error.message).toMatch(/sms_aliyun sms_aliyun_cap.*sms_tencent sms_tencent_cap|sms_tencent sms_tencent_cap.*sms_aliyun sms_aliyun_cap/);
    expect(aliyun.deliveries.report().total + tencent.deliveries.report().total).toBe(0);
  });

  test('when an admitted provider fails and the next takes over, then the first slot is given back as not sent', async () => {
    // Arrange
    const settled: string[] = [];
    const admit = async (provider: string): Promise<ProviderAdmission> => ({ admitted: true, settle: async (outcome) => { settled.push(`${provider}:${outcome}`); } });
    const { aliyun, router } = await twoProviders({ aliyun: 1, tencent: 0 }, { admit });
    aliyun.inject({ kind: 'transient', status: 502 });

    // Act
    const result = await router.send(message());

    // Assert
    expect(result.channel).toBe('sms_tencent');
    expect(settled).toEqual(['sms_aliyun:not_sent', 'sms_tencent:sent']);
  });
});
