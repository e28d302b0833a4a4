import { chatIngestedSchema, type ChatIngested } from '@doitcrm/types';
import type { BaseConfig, ServiceContext } from '@doitcrm/kit';
import { findUnextractedRuns } from '../../data-access/id-extraction-repository.ts';
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

/**
 * Extracts the import runs no event reached the mapper for (the first import of a new install is published before
 * the mapper has declared its queue). Safe beside the consumer: a run is extracted once, whoever gets there first.
 */
export async function catchUpMissedRuns(context: ServiceContext<BaseConfig>): Promise<number> {
  const runIds = await findUnextractedRuns(context.pool);
  for (const runId of runIds) {
    const result = await extractIds(context.pool, { runId }, { timezone: context.config.DISPLAY_TIMEZONE });
    if (result.applied) context.logger.info({ runId, ...result }, 'ids extracted from an import no event announced');
  }
  return runIds.length;
}
