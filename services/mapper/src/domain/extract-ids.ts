import { lockForTransaction, withTransaction, type Pool } from '@doitcrm/kit';
import { idKindOf } from '@doitcrm/types';
import {
  countSeenIdentities, findUnextractedRuns, markRunExtracted, markRunsExtracted, rebuildActivity, recordExtraction, refreshIdentityTotals, refreshRoomStats, scopeWindow,
  upsertSeenIds, type DayWindow, type ExtractionScope,
} from '../data-access/id-extraction-repository.ts';

export interface ExtractionResult {
  seenIds: number;
  newIds: number;
  activityRows: number;
  /** false when this run had been handled already (a redelivered event) */
  applied: boolean;
}

/**
 * A month of the demo school at 2M messages is ~5.4M (id, chat, day) rows to group into ~115k activity rows: with
 * the default 4 MB the hash aggregate spills ~360 MB to disk in 9 batches; with this it stays in memory (measured
 * 5.5–9.5 s vs 7.7–12.3 s for that statement). Only this transaction, and one extraction runs at a time.
 */
const EXTRACTION_WORK_MEM = '64MB';

/**
 * Turns the ids an import brought (or the whole archive's, on demand) into mappings, with their kind derived once,
 * and brings the per-day activity the lists filter by up to date — in one transaction, so a crash leaves the run
 * to be handled again in full.
 */
export async function extractIds(pool: Pool, scope: ExtractionScope, options: { timezone: string }): Promise<ExtractionResult> {
  const started = performance.now();
  return withTransaction(pool, async (client) => {
    // one extraction at a time: two rebuilding the same days would delete each other's rows
    await lockForTransaction(client, 'mapper.extract');
    await client.query(`SET LOCAL work_mem = '${EXTRACTION_WORK_MEM}'`);
    if ('runId' in scope) {
      // serialises concurrent deliveries of the same run; the second sees it done
      await lockForTransaction(client, `mapper.extract.${scope.runId}`);
      const { rows } = await client.query('SELECT 1 FROM crm.extracted_runs WHERE run_id = $1', [scope.runId]);
      if (rows.length > 0) return { seenIds: 0, newIds: 0, activityRows: 0, applied: false };
    }
    // the scope's whole days are recounted, and that one read of them names every id the scope mentions (a run's
    // days may hold other runs' messages too: their ids are known already, and upserting them changes nothing)
    const window = await scopeWindow(client, scope, options.timezone);
    const { activityRows, seen } = window ? await rebuildActivity(client, window, options.timezone) : { activityRows: 0, seen: [] };
    const newIds = await upsertSeenIds(client, seen.map((id) => ({ ...id, idKind: idKindOf(id.originalId, id.idType) })));
    if (window) {
      await refreshRoomStats(client, window);
      await refreshIdentityTotals(client, window);
    }
    if ('runId' in scope) await markRunExtracted(client, scope.runId, newIds);
    // a step of a whole-archive job is recorded once, by the job, when all its steps are done
    if (!('days' in scope)) {
      await recordExtraction(client, { runId: 'runId' in scope ? scope.runId : null, seenIds: seen.length, newIds, activityRows,
        durationMs: performance.now() - started });
    }
    return { seenIds: seen.length, newIds, activityRows, applied: true };
  });
}

/** The window cut at month ends: each month is one step of a whole-archive extraction. */
export function monthSteps(window: DayWindow): DayWindow[] {
  const steps: DayWindow[] = [];
  let from = window.fromDay;
  while (from <= window.toDay) {
    const [year, month] = from.split('-').map(Number) as [number, number];
    const monthEnd = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
    const to = monthEnd < window.toDay ? monthEnd : window.toDay;
    steps.push({ fromDay: from, toDay: to });
    from = new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
  }
  return steps;
}

/**
 * Every id of the whole archive, a month per transaction so progress can be shown and a crash loses one month at
 * most; each step rebuilds its days from scratch, so running the job again (or after a crash) is always safe.
 */
export async function extractWholeArchive(
  pool: Pool,
  options: { timezone: string },
  onProgress: (done: number, total: number, message: string) => Promise<void>,
): Promise<ExtractionResult> {
  const started = performance.now();
  // Runs finished before the first step are read whole by the steps: marked extracted at the end, so the mapper's
  // next start does not extract them again one run at a time (a 10M-message run was one 13-month transaction).
  const covered = await findUnextractedRuns(pool);
  const window = await scopeWindow(pool, { all: true }, options.timezone);
  const steps = window ? monthSteps(window) : [];
  let newIds = 0;
  let activityRows = 0;
  for (const [index, days] of steps.entries()) {
    const step = await extractIds(pool, { days, timezone: options.timezone }, options);
    newIds += step.newIds;
    activityRows += step.activityRows;
    await onProgress(index + 1, steps.length, `${days.fromDay.slice(0, 7)} 完成，已新增 ${newIds} 个 ID`);
  }
  await markRunsExtracted(pool, covered);
  const seenIds = await countSeenIdentities(pool);
  await recordExtraction(pool, { runId: null, seenIds, newIds, activityRows, durationMs: performance.now() - started });
  return { seenIds, newIds, activityRows, applied: true };
}
