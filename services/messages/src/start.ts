import { createServiceContext, listen, runMain } from '@doitcrm/kit';
import { createMessagesApp } from './app.ts';
import { loadMessagesConfig } from './config.ts';
import { createSummaryBots } from './domain/summary-bots.ts';
import { createSummaryRoutes } from './entry-points/api/summary-routes.ts';
import { startSummarizeConsumer } from './entry-points/queue/summarize-consumer.ts';

runMain('messages', async () => {
  const config = loadMessagesConfig();
  const context = await createServiceContext('messages', config);
  context.shutdown.installProcessHooks();
  const bots = createSummaryBots(config, context.logger);
  if (!bots) context.logger.warn('Coze is not configured (COZE_BASE_URL / COZE_API_TOKEN / COZE_PARENT_BOT_ID): AI summaries are off');
  await startSummarizeConsumer(context, bots);
  context.outbox.start();
  const app = createMessagesApp(context, [createSummaryRoutes(context, bots)]);
  await listen(context, app, config.PORT);
});
