import { chatIngestedSchema, type ChatIngested } from '@doitcrm/types';
import type { BaseConfig, ServiceContext } from '@doitcrm/kit';
import { extractIds } from '../../domain/extract-ids.ts';

/** After every import, its new ids become mappings (the mapper's own queue on `doitcrm.events`). */
export async function startChatIngestedConsumer(context: ServiceContext<BaseConfig>): Promise<void> {
  await context.broker.consume<ChatIngested>({
    queue: 'mapper.chat-ingested',
    events: ['chat.ingested'],
    prefetch: 1,
    schema: chatIngestedSchema,
    handle: async (event) => {
      const result = await extractIds(context.pool, { runId: event.runId }, { timezone: context.config.DISPLAY_TIMEZONE });
      context.logger.info({ runId: event.runId, ...result }, result.applied ? 'ids extracted from an import' : 'import already extracted');
    },
  });
}
