import { createServiceContext, listen, runMain } from '@doitcrm/kit';
import { createMapperApp } from './app.ts';
import { loadMapperConfig } from './config.ts';
import { createMapperWecomClient } from './domain/wecom-client-factory.ts';
import { createSuggestionRoutes } from './entry-points/api/suggestion-routes.ts';
import { createWecomRoutes } from './entry-points/api/wecom-routes.ts';
import { catchUpMissedRuns, startChatIngestedConsumer } from './entry-points/queue/chat-ingested-consumer.ts';
import { startExtractConsumer } from './entry-points/queue/extract-consumer.ts';
import { startFetchNamesConsumer } from './entry-points/queue/fetch-names-consumer.ts';

runMain('mapper', async () => {
  const config = loadMapperConfig();
  const context = await createServiceContext('mapper', config);
  context.shutdown.installProcessHooks();
  const wecom = createMapperWecomClient(config, context.logger);
  if (!wecom) context.logger.warn('WeCom is not configured (WECOM_CORP_ID / WECOM_SECRET): nickname fetching is off');
  await startChatIngestedConsumer(context);
  void catchUpMissedRuns(context).catch((error: unknown) => context.logger.error({ err: error }, 'catching up missed import runs failed'));
  await startFetchNamesConsumer(context, wecom);
  await startExtractConsumer(context);
  context.outbox.start();
  const app = createMapperApp(context, [createWecomRoutes(context, wecom), createSuggestionRoutes(context)]);
  await listen(context, app, config.PORT);
});
