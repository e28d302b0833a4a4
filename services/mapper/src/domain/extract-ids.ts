import { withTransaction, type Pool } from '@doitcrm/kit';
import { idKindOf } from '@doitcrm/types';
import {
  findSeenIds, markRunExtracted, rebuildActivity, recordExtraction, refreshIdentityTotals, refreshRoomStats, scopeWindow, upsertSeenIds, type ExtractionScope,
} from '../data-access/id-extraction-repository.ts';

export interface ExtractionResult {
  seenIds: number;
  newIds: number;
  activityRows: number;
  /** false when this run had been handled already (a redelivered event) */
  applied: boolean;
}

/**
 * Turns the ids an import brought (or the whole archive's, on demand) into mappings, with their kind derived once,
 * and brings the per-day activity the lists filter by up to date — in one transaction, so a crash leaves the run
 * to be handled again in full.
 */
export async function extractIds(pool: Pool, scope: ExtractionScope, options: { timezone: string }): Promise<ExtractionResult> {
  const started = performance.now();
  return withTransaction(pool, async (client) => {
    if ('runId' in scope) {
      // serialises concurrent deliveries of the same run; the second sees it done
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mapper.extract.${scope.runId}`]);
      const { rows } = await client.query('SELECT 1 FROM crm.extracted_runs WHERE run_id = $1', [scope.runId]);
      if (rows.length > 0) return { seenIds: 0, newIds: 0, activityRows: 0, applied: false };
    }
    const seen = await findSeenIds(client, scope);
    const newIds = await upsertSeenIds(client, seen.map((id) => ({ ...id, idKind: idKindOf(id.originalId, id.idType) })));
    const window = await scopeWindow(client, scope, options.timezone);
    const activityRows = window ? await rebuildActivity(client, window, options.timezone) : 0;
    if (window) {
      await refreshRoomStats(client, window);
      await refreshIdentityTotals(client, window);
    }
    if ('runId' in scope) await markRunExtracted(client, scope.runId, newIds);
    await recordExtraction(client, { runId: 'runId' in scope ? scope.runId : null, seenIds: seen.length, newIds, activityRows,
      durationMs: performance.now() - started });
    return { seenIds: seen.length, newIds, activityRows, applied: true };
  });
}
