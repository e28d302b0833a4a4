import { startSchedule, type ServiceContext } from '@doitcrm/kit';
import type { FeishuSyncConfig } from '../config.ts';
import { applyUploadRetention } from '../domain/upload-retention.ts';

/**
 * Upload retention, daily at 03:20 Beijing time and once at start (catching up a day no instance ran). kit's
 * startSchedule claims each tick, so one instance runs it however many run the service.
 */
export function startFeishuSyncSchedules(context: ServiceContext<FeishuSyncConfig>) {
  const { pool, logger, config } = context;
  return startSchedule(context, {
    name: 'feishu-upload-retention', cron: '20 3 * * *', runAtStart: true,
    handler: async (run) => {
      const deleted = await applyUploadRetention(pool, new Date(), config.FEISHU_SYNC_UPLOAD_RETENTION_DAYS, run.assertStillOwner);
      logger.info({ ...deleted, retentionDays: config.FEISHU_SYNC_UPLOAD_RETENTION_DAYS }, 'feishu uploads past retention deleted');
    },
  });
}
