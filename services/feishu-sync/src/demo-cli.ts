// Part of `npm start` when the Bitable fake stands in for Feishu: one synced demo export, so the page opens on a history.
import { createLogger, createPool, createRedis } from '@doitcrm/kit';
import { loadFeishuSyncConfig } from './config.ts';
import { seedDemoSync } from './domain/demo-sync.ts';
import { feishuConnectionFromConfig } from './domain/feishu-connection.ts';

const config = loadFeishuSyncConfig();
const logger = createLogger({ service: 'feishu-sync-demo', level: 'warn' });
const pool = createPool({ databaseUrl: config.DATABASE_URL, logger, max: 2, applicationName: 'doitcrm-feishu-sync-demo' });
const redis = createRedis({ redisUrl: config.REDIS_URL, keyPrefix: config.REDIS_PREFIX, logger });
try {
  const connection = feishuConnectionFromConfig(config, { redis, logger });
  if (!connection) throw new Error('the demo sync needs the fake\'s FEISHU_* settings');
  const runId = await seedDemoSync({ pool, connection, logger, batchSize: config.FEISHU_SYNC_BATCH_SIZE, maxUploadMb: config.FEISHU_SYNC_MAX_UPLOAD_MB });
  console.log(runId === null ? 'feishu-sync: the history already holds runs' : `feishu-sync: synced the demo export into the fake (run ${runId})`);
} finally {
  await pool.end();
  redis.disconnect();
}
