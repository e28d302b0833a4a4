import { describe, expect, test } from 'vitest';
import { checksFor, createLimiter, createSendLimits, DOCUMENTED_LIMITS, limitsConfigProblems, type LimitsConfig } from '../src/index.ts';
import { redisHarness } from './redis-harness.ts';

const harness = redisHarness();

describe('send limits from the hot configuration', () => {
  test('when the configuration lowers a recipient limit at run time, then the next send is held to it with the sends already counted', async () => {
    // Arrange: 5 a minute, four used
    const config = (limit: number): LimitsConfig => ({ channels: { wecom_app: { perRecipient: { rate: [{ limit, windowMs: 60_000 }] } } } });
    const sendLimits = createSendLimits(createLimiter({ redis: harness.connect(), resetGuardMs: 0 }), config(5));
    for (let i = 0; i < 4; i += 1) await sendLimits.acquire({ channel: 'wecom_app', recipient: 'lisi' });

    // Act: no restart, one update
    sendLimits.update(config(4));
    const decision = await sendLimits.acquire({ channel: 'wecom_app', recipient: 'lisi' });
    const otherRecipient = await sendLimits.acquire({ channel: 'wecom_app', recipient: 'wangwu' });

    // Assert
    expect(decision).toMatchObject({ outcome: 'defer', reason: 'limit', refusedBy: ['recipient_rate'] });
    expect(otherRecipient.outcome).toBe('reserved');
  });

  test('when a configuration has bad numbers, then update refuses it naming each and the old one stays', () => {
    // Arrange
    const sendLimits = createSendLimits(createLimiter({ redis: harness.connect(), resetGuardMs: 0 }));
    const bad: LimitsConfig = { channels: { sms: { dailyCap: 0, concurrency: { limit: 2, leaseMs: -1 } } } };

    // Act
    const problems = limitsConfigProblems(bad);
    const update = () => sendLimits.update(bad);

    // Assert
    expect(problems).toEqual(['channels.sms.dailyCap 须为正整数', 'channels.sms.concurrency.leaseMs 须为正整数']);
    expect(update).toThrow(/dailyCap/);
    expect(sendLimits.config).toBe(DOCUMENTED_LIMITS);
  });

  test('when a Feishu bot is sent to, then its 5/s and 100/min are checked on the bot and the provider and channel limits join them', () => {
    // Arrange
    const config: LimitsConfig = {
      ...DOCUMENTED_LIMITS,
      channels: { ...DOCUMENTED_LIMITS.channels, sms: { concurrency: { limit: 8, leaseMs: 30_000 }, perRecipient: { dailyCap: 10 } } },
    };

    // Act
    const feishu = checksFor(config, { channel: 'feishu_bot', recipient: 'hook-1' });
    const sms = checksFor(config, { channel: 'sms', provider: 'aliyun', recipient: '13800000000' });

    // Assert
    expect(feishu).toEqual([{ kind: 'rate', name: 'recipient_rate', key: 'recipient:feishu_bot:hook-1', windows: [{ limit: 5, windowMs: 1_000 }, { limit: 100, windowMs: 60_000 }] }]);
    expect(sms.map((c) => `${c.kind}:${c.key}`)).toEqual(['daily_cap:recipient:sms:13800000000', 'concurrency:channel:sms', 'rate:provider:aliyun']);
  });

  test('when calls may reach the provider up to 10 s after their reservation, then every rate window is widened by 10 s and caps and leases are not', () => {
    // Arrange: WeCom counts a member's 30 a minute when each call arrives, not when we reserved its slot
    const config: LimitsConfig = {
      ...DOCUMENTED_LIMITS,
      channels: { ...DOCUMENTED_LIMITS.channels, sms: { concurrency: { limit: 8, leaseMs: 30_000 }, perRecipient: { dailyCap: 10 } } },
    };

    // Act
    const wecom = checksFor(config, { channel: 'wecom_app', recipient: 'zhangsan' }, 10_000);
    const sms = checksFor(config, { channel: 'sms', provider: 'aliyun', recipient: '13800000000' }, 10_000);

    // Assert: 30 in any 70 s of reservations means at most 30 in any 60 s of arrivals
    expect(wecom).toEqual([{ kind: 'rate', name: 'recipient_rate', key: 'recipient:wecom_app:zhangsan', windows: [{ limit: 30, windowMs: 70_000 }, { limit: 1_000, windowMs: 3_610_000 }] }]);
    expect(sms).toEqual([
      { kind: 'daily_cap', name: 'recipient_daily_cap', key: 'recipient:sms:13800000000', limit: 10 },
      { kind: 'concurrency', name: 'channel_concurrency', key: 'channel:sms', limit: 8, leaseMs: 30_000 },
      { kind: 'rate', name: 'provider_rate', key: 'provider:aliyun', windows: [{ limit: 5_000, windowMs: 11_000 }] },
    ]);
  });

  test('when a channel has no limits configured, then its send is reserved without touching Redis', async () => {
    // Arrange
    const sendLimits = createSendLimits(createLimiter({ redis: harness.connect(), resetGuardMs: 0 }));

    // Act
    const decision = await sendLimits.acquire({ channel: 'email', recipient: 'a@example.com' });

    // Assert
    expect(decision).toMatchObject({ outcome: 'reserved', reservation: { checks: [] } });
    // KEYS is not prefixed by ioredis: look under this file's own prefix only
    expect(await harness.connect().keys(`${harness.keyPrefix}*`)).toEqual([]);
  });

  test('when a provider is asked for alone, then only its own limits count: its cap refuses past the limit, another provider and the channel are untouched', async () => {
    // Arrange: aliyun 2 a day, tencent unlimited here, the channel's own recipient limit not involved
    const config: LimitsConfig = { channels: { sms: { perRecipient: { dailyCap: 1 } } }, providers: { aliyun: { dailyCap: 2 } } };
    const sendLimits = createSendLimits(createLimiter({ redis: harness.connect(), resetGuardMs: 0 }), config);

    // Act
    const aliyun = [await sendLimits.acquireProvider('aliyun'), await sendLimits.acquireProvider('aliyun'), await sendLimits.acquireProvider('aliyun')];
    const tencent = await sendLimits.acquireProvider('tencent');
    const recipient = await sendLimits.acquire({ channel: 'sms', recipient: '13800000000' });

    // Assert
    expect(aliyun.map((decision) => decision.outcome)).toEqual(['reserved', 'reserved', 'defer']);
    expect(aliyun[2]).toMatchObject({ reason: 'limit', refusedBy: ['provider_daily_cap'] });
    expect(tencent).toMatchObject({ outcome: 'reserved', reservation: { checks: [] } });
    expect(recipient.outcome).toBe('reserved');
  });
});
