import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  classifyWecomFailure, createWecomClientFromSettings, WecomRateLimitedError, wecomSettingsShape, type WecomSettings,
} from '../src/index.ts';

const settingsSchema = z.object(wecomSettingsShape);
const silent = { warn: () => undefined };

describe('WeCom settings', () => {
  test('when only the credentials are set, then the rate limits default to a fraction of the documented ones', () => {
    // Act
    const settings = settingsSchema.parse({ WECOM_CORP_ID: 'corp', WECOM_SECRET: 'secret' });

    // Assert
    expect(settings).toMatchObject({
      WECOM_BASE_URL: 'https://qyapi.weixin.qq.com',
      WECOM_RATE_LIMIT_PER_MINUTE: 600, WECOM_RATE_LIMIT_PER_HOUR: 15_000,
      WECOM_IP_RATE_LIMIT_PER_MINUTE: 2_000, WECOM_IP_RATE_LIMIT_PER_HOUR: 60_000,
    });
  });

  test('when a limit is above what WeCom documents, then the settings are refused', () => {
    // Act
    const result = settingsSchema.safeParse({ WECOM_RATE_LIMIT_PER_MINUTE: '10001', WECOM_IP_RATE_LIMIT_PER_HOUR: '600001' });

    // Assert
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0]).sort()).toEqual(['WECOM_IP_RATE_LIMIT_PER_HOUR', 'WECOM_RATE_LIMIT_PER_MINUTE']);
  });

  test('when no corp id or no secret is configured, then there is no client', () => {
    // Arrange
    const base = settingsSchema.parse({});

    // Act
    const clients = [
      createWecomClientFromSettings(base, { logger: silent }),
      createWecomClientFromSettings({ ...base, WECOM_CORP_ID: 'corp' }, { logger: silent }),
      createWecomClientFromSettings({ ...base, WECOM_SECRET: 'secret' }, { logger: silent }),
    ];

    // Assert
    expect(clients).toEqual([null, null, null]);
  });

  test('when the credentials are configured, then the client is for that corp', () => {
    // Arrange
    const settings: WecomSettings = settingsSchema.parse({ WECOM_CORP_ID: 'corp-1', WECOM_SECRET: 'secret' });

    // Act
    const client = createWecomClientFromSettings(settings, { logger: silent });

    // Assert
    expect(client?.corpId).toBe('corp-1');
  });

  test('when the shared budget refused a call, then a batch treats it as transient, to be tried again later', () => {
    // Act
    const failure = classifyWecomFailure(new WecomRateLimitedError('user/get', 'corp_api_hour', 90_000));

    // Assert
    expect(failure).toEqual({ kind: 'transient', message: 'WeCom user/get: the shared rate budget (corp_api_hour) is used up; retry after 90 s' });
  });
});
