import { runService } from '@doitcrm/kit';
import { createMessagesApp } from './app.ts';
import { loadMessagesConfig } from './config.ts';
import { createSummaryBots } from './domain/summary-bots.ts';
import { createSummaryRoutes } from './entry-points/api/summary-routes.ts';
import { startSummarizeConsumer } from './entry-points/queue/summarize-consumer.ts';

runService('messages', loadMessagesConfig, async (context) => {
  const bots = createSummaryBots(context.config, context.logger);
  if (!bots) context.logger.warn('Coze is not configured (COZE_BASE_URL / COZE_API_TOKEN / COZE_PARENT_BOT_ID): AI summaries are off');
  await startSummarizeConsumer(context, bots);
  return createMessagesApp(context, [createSummaryRoutes(context, bots)]);
});
