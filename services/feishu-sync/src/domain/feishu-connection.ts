import { createFeishuClient, type FeishuClient, type FeishuClientOptions } from '@doitcrm/feishu';
import type { Logger, Redis } from '@doitcrm/kit';
import type { FeishuSyncConfig } from '../config.ts';
import type { SyncTables } from './bitable-tables.ts';

export const FEISHU_NOT_CONFIGURED = '飞书未配置（FEISHU_APP_ID / FEISHU_APP_SECRET / FEISHU_APP_TOKEN / FEISHU_STUDENTS_TABLE_ID / FEISHU_RECORDS_TABLE_ID）';

/** How the service reaches Feishu: a new client per use, so each run's call counter counts that run alone. */
export interface FeishuConnection {
  tables: SyncTables;
  newClient(): FeishuClient;
}

/**
 * The connection the settings describe, or null when they are incomplete (the service then answers 409 on what
 * needs Feishu). With Redis the clients share the app's rate budget and the per-table write lock across processes.
 */
export function feishuConnectionFromConfig(
  config: FeishuSyncConfig, deps: { redis?: Redis; logger?: Pick<Logger, 'warn'> }, overrides: Partial<FeishuClientOptions> = {},
): FeishuConnection | null {
  const { FEISHU_APP_ID: appId, FEISHU_APP_SECRET: appSecret, FEISHU_APP_TOKEN: appToken } = config;
  if (!appId || !appSecret || !appToken || !config.FEISHU_STUDENTS_TABLE_ID || !config.FEISHU_RECORDS_TABLE_ID) return null;
  return {
    tables: { students: { appToken, tableId: config.FEISHU_STUDENTS_TABLE_ID }, records: { appToken, tableId: config.FEISHU_RECORDS_TABLE_ID } },
    newClient: () => createFeishuClient({
      baseUrl: config.FEISHU_BASE_URL, appId, appSecret, redis: deps.redis, logger: deps.logger,
      pageSize: config.FEISHU_SYNC_PAGE_SIZE, batchSize: config.FEISHU_SYNC_BATCH_SIZE, ...overrides,
    }),
  };
}
