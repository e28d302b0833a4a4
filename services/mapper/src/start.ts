import { runService } from '@doitcrm/kit';
import { createWecomClientFromSettings } from '@doitcrm/wecom';
import { createMapperApp } from './app.ts';
import { loadMapperConfig } from './config.ts';
import { createSuggestionRoutes } from './entry-points/api/suggestion-routes.ts';
import { createWecomRoutes } from './entry-points/api/wecom-routes.ts';
import { catchUpMissedRuns, startChatIngestedConsumer } from './entry-points/queue/chat-ingested-consumer.ts';
import { startContactsChangedConsumer } from './entry-points/queue/contacts-changed-consumer.ts';
import { startExtractConsumer } from './entry-points/queue/extract-consumer.ts';
import { startFetchNamesConsumer } from './entry-points/queue/fetch-names-consumer.ts';

runService('mapper', loadMapperConfig, async (context) => {
  const wecom = createWecomClientFromSettings(context.config, { logger: context.logger, redis: context.redis });
  if (!wecom) context.logger.warn('WeCom is not configured (WECOM_CORP_ID / WECOM_SECRET): nickname fetching is off');
  await startChatIngestedConsumer(context);
  void catchUpMissedRuns(context).catch((error: unknown) => context.logger.error({ err: error }, 'catching up missed import runs failed'));
  await startFetchNamesConsumer(context, wecom);
  await startExtractConsumer(context);
  await startContactsChangedConsumer(context);
  return createMapperApp(context, [createWecomRoutes(context, wecom), createSuggestionRoutes(context)]);
});
