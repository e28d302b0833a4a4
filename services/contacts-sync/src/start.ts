import { runService } from '@doitcrm/kit';
import { createWecomClientFromSettings } from '@doitcrm/wecom';
import { createContactsSyncApp } from './app.ts';
import { loadContactsSyncConfig } from './config.ts';
import { startCallbackApplier } from './entry-points/callback-applier.ts';
import { startHealthWatch } from './entry-points/health-watch.ts';
import { startSyncConsumer } from './entry-points/queue/sync-consumer.ts';
import { startSyncSchedules } from './entry-points/schedules.ts';

runService('contacts-sync', loadContactsSyncConfig, async (context) => {
  // the corp's rate budget lives in Redis, shared with the mapper's nickname fetch (ARCHITECTURE.md)
  const wecom = createWecomClientFromSettings(context.config, { logger: context.logger, redis: context.redis });
  if (!wecom) context.logger.warn('WeCom is not configured (WECOM_CORP_ID / WECOM_SECRET): syncs are off');
  await startSyncConsumer(context, wecom);
  startSyncSchedules(context, { wecom: wecom !== null });
  const applier = wecom ? startCallbackApplier(context, wecom) : null;
  startHealthWatch(context);
  return createContactsSyncApp(context, wecom, applier ? applier.wake : undefined);
});
