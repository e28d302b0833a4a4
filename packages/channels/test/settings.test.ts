import { createAliyunSmsFake, createTencentSmsFake } from '@doitcrm/fakes';
import { listenChannelFake, listenSmtpSink } from '@doitcrm/fakes/testing';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { channelSettingsShape, createChannelsFromSettings } from '../src/settings.ts';
import { message } from './fixtures.ts';

const parse = (env: Record<string, string>) => z.object(channelSettingsShape).parse(env);

describe('channel settings', () => {
  test('when nothing is configured, then no channel exists and no credential has a default', () => {
    // Act
    const settings = parse({});
    const channels = createChannelsFromSettings(settings);

    // Assert
    expect(channels).toEqual({});
    const credentials = Object.keys(channelSettingsShape).filter((name) => /SECRET|KEY|PASS|USER|_ID$|WEBHOOK_URL/.test(name));
    expect(credentials.length).toBeGreaterThan(10);
    expect(credentials.filter((name) => settings[name as keyof typeof settings] !== undefined)).toEqual([]);
    expect(settings.ALIYUN_SMS_ENDPOINT).toBe('https://dysmsapi.aliyuncs.com');
  });

  test('when both SMS providers are configured, then the SMS channel routes over them and sends through the fakes', async () => {
    // Arrange
    const aliyun = await listenChannelFake(createAliyunSmsFake());
    const tencent = await listenChannelFake(createTencentSmsFake());
    const channels = createChannelsFromSettings(parse({
      ALIYUN_SMS_ENDPOINT: aliyun.url, ALIYUN_SMS_ACCESS_KEY_ID: aliyun.fake.accessKeyId, ALIYUN_SMS_ACCESS_KEY_SECRET: aliyun.fake.accessKeySecret,
      ALIYUN_SMS_SIGN_NAME: '学校通知', ALIYUN_SMS_WEIGHT: '0',
      TENCENT_SMS_ENDPOINT: tencent.url, TENCENT_SMS_SECRET_ID: tencent.fake.secretId, TENCENT_SMS_SECRET_KEY: tencent.fake.secretKey,
      TENCENT_SMS_SDK_APP_ID: tencent.fake.smsSdkAppId, TENCENT_SMS_SIGN_NAME: '学校通知',
    }));
    const sms = message();

    // Act
    await channels.sms!.send(sms);

    // Assert
    expect(Object.keys(channels).sort()).toEqual(['sms', 'sms_aliyun', 'sms_tencent']);
    expect(tencent.fake.deliveries.count(sms.id)).toBe(1);
    expect(aliyun.fake.deliveries.report().total).toBe(0);
  });

  test('when SMTP_REQUIRE_TLS is false, then e-mail goes to a plain local sink; by default the same sink is refused for lacking TLS', async () => {
    // Arrange
    const sink = await listenSmtpSink();
    const smtp = {
      SMTP_HOST: sink.host, SMTP_PORT: String(sink.port), SMTP_SECURE: 'false', SMTP_USER: sink.sink.user, SMTP_PASS: sink.sink.password,
      SMTP_FROM: 'School <notice@example.com>', CHANNEL_TIMEOUT_MS: '3000',
    };
    const plain = createChannelsFromSettings(parse({ ...smtp, SMTP_REQUIRE_TLS: 'false' }));
    const strict = createChannelsFromSettings(parse(smtp));
    const mail = message({ to: 'parent@example.com' });

    // Act
    await plain.email!.send(mail);
    const refused = await strict.email!.send(message({ to: 'parent@example.com' })).then(() => null, (error: unknown) => error);

    // Assert
    expect(sink.sink.received.map((received) => received.to)).toEqual([['parent@example.com']]);
    expect(refused).toBeInstanceOf(Error);
  });

  test('when a weight or port is out of range, then the settings are refused', () => {
    // Act
    const weight = () => parse({ ALIYUN_SMS_WEIGHT: '-1' });
    const port = () => parse({ SMTP_PORT: '70000' });

    // Assert
    expect(weight).toThrow();
    expect(port).toThrow();
  });
});
