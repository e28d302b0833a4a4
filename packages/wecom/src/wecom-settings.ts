import type { Redis } from 'ioredis';
import { z } from 'zod';
import { DOCUMENTED_WECOM_LIMITS } from './budget/rate-limits.ts';
import type { WecomLogger } from './request-executor.ts';
import { createWecomClient, type WecomClient, type WecomClientOptions } from './wecom-client.ts';

/**
 * The WeCom settings every service that calls WeCom reads from its environment (spread into its config schema).
 * The rate limits are the corp's budget, shared in Redis by all processes: give every service the same numbers.
 */
export const wecomSettingsShape = {
  WECOM_BASE_URL: z.string().url().default('https://qyapi.weixin.qq.com').describe('WeCom server API (the fake under npm start and tests)'),
  WECOM_CORP_ID: z.string().min(1).optional().describe('企业ID; without it the WeCom features are off'),
  WECOM_SECRET: z.string().min(1).optional().describe('secret of the app with 客户联系 and 通讯录 read permission'),
  WECOM_ARCHIVE_SECRET: z.string().min(1).optional().describe('会话内容存档 secret, needed to name internal groups'),
  WECOM_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(DOCUMENTED_WECOM_LIMITS.corpApiPerMinute).default(600)
    .describe('calls per minute per API for the corp, across all processes (WeCom allows 10,000)'),
  WECOM_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).max(DOCUMENTED_WECOM_LIMITS.corpApiPerHour).default(15_000)
    .describe('calls per hour per API for the corp, across all processes (WeCom allows 150,000)'),
  WECOM_IP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(DOCUMENTED_WECOM_LIMITS.ipApiPerMinute).default(2_000)
    .describe('calls per minute per API from this server IP, any corp (WeCom allows 20,000)'),
  WECOM_IP_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).max(DOCUMENTED_WECOM_LIMITS.ipApiPerHour).default(60_000)
    .describe('calls per hour per API from this server IP, any corp (WeCom allows 600,000)'),
};

export type WecomSettings = Readonly<z.infer<z.ZodObject<typeof wecomSettingsShape>>>;

/** What a service says when a WeCom feature is used without credentials. */
export const WECOM_NOT_CONFIGURED = '未配置企业微信：设置 WECOM_CORP_ID 和 WECOM_SECRET';

/**
 * The service's one WeCom client, spending from the corp's budget in `redis`, or null when no corp id and secret
 * are configured (the WeCom features are then off, and say so with `WECOM_NOT_CONFIGURED`). `overrides` are for tests.
 */
export function createWecomClientFromSettings(
  settings: WecomSettings, deps: { logger: WecomLogger; redis?: Redis }, overrides: Partial<WecomClientOptions> = {},
): WecomClient | null {
  if (!settings.WECOM_CORP_ID || !settings.WECOM_SECRET) return null;
  return createWecomClient({
    baseUrl: settings.WECOM_BASE_URL,
    corpId: settings.WECOM_CORP_ID,
    secret: settings.WECOM_SECRET,
    ...(settings.WECOM_ARCHIVE_SECRET ? { archiveSecret: settings.WECOM_ARCHIVE_SECRET } : {}),
    rateLimitPerMinute: settings.WECOM_RATE_LIMIT_PER_MINUTE,
    rateLimits: {
      corpApiPerHour: settings.WECOM_RATE_LIMIT_PER_HOUR,
      ipApiPerMinute: settings.WECOM_IP_RATE_LIMIT_PER_MINUTE,
      ipApiPerHour: settings.WECOM_IP_RATE_LIMIT_PER_HOUR,
    },
    ...(deps.redis ? { redis: deps.redis } : {}),
    logger: deps.logger,
    ...overrides,
  });
}
