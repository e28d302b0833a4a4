import { runService } from '@doitcrm/kit';
import { createFeishuSyncApp } from './app.ts';
import { loadFeishuSyncConfig } from './config.ts';
import { feishuConnectionFromConfig } from './domain/feishu-connection.ts';
import { startSyncConsumer } from './entry-points/queue/sync-consumer.ts';
import { startFeishuSyncSchedules } from './entry-points/schedules.ts';

runService('feishu-sync', loadFeishuSyncConfig, async (context) => {
  // the app's rate budget and per-table write lock live in Redis, shared by every process of this service
  const connection = feishuConnectionFromConfig(context.config, { redis: context.redis, logger: context.logger });
  if (!connection) context.logger.warn('Feishu is not configured (FEISHU_APP_ID / FEISHU_APP_SECRET / FEISHU_APP_TOKEN / table ids): syncs are off');
  await startSyncConsumer(context, connection);
  startFeishuSyncSchedules(context);
  return createFeishuSyncApp(context, connection);
});
