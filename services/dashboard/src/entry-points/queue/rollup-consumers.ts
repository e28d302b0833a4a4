import {
  chatIngestedSchema, mappingChangedSchema, rosterChangedSchema, type ChatIngested, type MappingChanged, type RosterChanged,
} from '@doitcrm/types';
import type { ServiceContext } from '@doitcrm/kit';
import type { DashboardConfig } from '../../config.ts';
import { markRunApplied, runApplied } from '../../data-access/refresh-state-repository.ts';
import { evaluateAlerts } from '../../domain/evaluate-alerts.ts';
import { refreshRollups } from '../../domain/refresh-rollups.ts';

/**
 * Keeps the rollups current: an import recounts the Beijing days it touched; a roster or mapping change recounts
 * the classes whose members changed (the refresh finds them by comparing membership). Alerts follow each refresh.
 */
export async function startRollupConsumers(context: ServiceContext<DashboardConfig>): Promise<void> {
  const timezone = context.config.DISPLAY_TIMEZONE;
  const { pool, logger } = context;

  await context.broker.consume<ChatIngested>({
    queue: 'dashboard.chat-ingested',
    events: ['chat.ingested'],
    prefetch: 1,
    schema: chatIngestedSchema,
    handle: async (event) => {
      if (await runApplied(pool, event.runId)) {
        logger.info({ runId: event.runId }, 'import already in the dashboard rollups');
        return;
      }
      if (!event.minMsgtime || !event.maxMsgtime) {
        await markRunApplied(pool, { runId: event.runId, fromDay: null, toDay: null, durationMs: 0 });
        return;
      }
      const result = await refreshRollups(pool, { minMsgtime: new Date(event.minMsgtime), maxMsgtime: new Date(event.maxMsgtime) }, { timezone });
      await markRunApplied(pool, { runId: event.runId, fromDay: result.fromDay, toDay: result.toDay, durationMs: result.durationMs });
      const alerts = await evaluateAlerts(pool, { timezone });
      logger.info({ runId: event.runId, ...result, alerts }, 'dashboard rollups refreshed after an import');
    },
  });

  const membershipChanged = (reason: string) => async () => {
    const result = await refreshRollups(pool, { membership: true }, { timezone });
    const alerts = await evaluateAlerts(pool, { timezone });
    logger.info({ reason, recounted: result.recountedClasses.length, alerts }, 'dashboard rollups refreshed after a people change');
  };

  await context.broker.consume<RosterChanged>({
    queue: 'dashboard.roster-changed', events: ['roster.changed'], prefetch: 1, schema: rosterChangedSchema, handle: membershipChanged('roster.changed'),
  });
  await context.broker.consume<MappingChanged>({
    queue: 'dashboard.mapping-changed', events: ['mapping.changed'], prefetch: 1, schema: mappingChangedSchema, handle: membershipChanged('mapping.changed'),
  });
}
