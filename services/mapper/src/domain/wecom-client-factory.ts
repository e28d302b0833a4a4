import { createWecomClient, type WecomClient, type WecomClientOptions, type WecomLogger } from '@doitcrm/wecom';
import type { MapperConfig } from '../config.ts';

/** What the mapper says when a WeCom feature is used without credentials. */
export const WECOM_NOT_CONFIGURED = '未配置企业微信：设置 WECOM_CORP_ID 和 WECOM_SECRET';

export type MapperWecomConfig = Pick<MapperConfig,
  'WECOM_BASE_URL' | 'WECOM_CORP_ID' | 'WECOM_SECRET' | 'WECOM_ARCHIVE_SECRET' | 'WECOM_RATE_LIMIT_PER_MINUTE'>;

/**
 * The mapper's one WeCom client (WeCom limits calls per corp, and the limiter lives in the client), or null when
 * no corp id and secret are configured: nickname fetching is then off, and says so. `overrides` are for tests.
 */
export function createMapperWecomClient(
  config: MapperWecomConfig, logger: WecomLogger, overrides: Partial<WecomClientOptions> = {},
): WecomClient | null {
  if (!config.WECOM_CORP_ID || !config.WECOM_SECRET) return null;
  return createWecomClient({
    baseUrl: config.WECOM_BASE_URL,
    corpId: config.WECOM_CORP_ID,
    secret: config.WECOM_SECRET,
    ...(config.WECOM_ARCHIVE_SECRET ? { archiveSecret: config.WECOM_ARCHIVE_SECRET } : {}),
    rateLimitPerMinute: config.WECOM_RATE_LIMIT_PER_MINUTE,
    logger,
    ...overrides,
  });
}
