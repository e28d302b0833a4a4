import { lockForTransaction, withTransaction, type Pool, type PoolClient } from '@doitcrm/kit';
import { buildClassContext } from '../data-access/class-context.ts';
import { refreshMembership } from '../data-access/membership-repository.ts';
import { markRefreshed } from '../data-access/refresh-state-repository.ts';
import { recountWaits } from '../data-access/response-repository.ts';
import { rebuildDayRollups, rebuildKeywordHits, rebuildWeekRollups, type RollupScope } from '../data-access/rollup-repository.ts';
import { readSettings } from '../data-access/settings-repository.ts';

/**
 * What to recount: the days an import touched, everything (first start, or on demand), or only the classes whose
 * members changed (roster and mapping events).
 */
export type RefreshRequest = { minMsgtime: Date; maxMsgtime: Date } | { full: true } | { membership: true };

export interface RefreshResult {
  fromDay: string | null;
  toDay: string | null;
  /** classes recounted in full because their parents, teachers or group changed */
  recountedClasses: number[];
  parentDays: number;
  waits: number;
  durationMs: number;
}

// a wait's start depends only on the message before it (≤ 12 h back), so the waits from the first imported day on
// are recounted, from a context that begins one day earlier; older waits keep their start and only the reply can
// change (a new staff message may come first): recountWaits gives them that reply without reading their weeks
const CONTEXT_LEAD_DAYS = 1;

/**
 * Brings the rollups up to date in one transaction (a crash leaves the previous state), serialised across
 * processes. Membership is re-read first: classes whose parents, teachers or group changed are recounted in full.
 * Rewriting whole days makes a repeated refresh change nothing.
 */
export async function refreshRollups(pool: Pool, request: RefreshRequest, options: { timezone: string }): Promise<RefreshResult> {
  const result = await recount(pool, request, options);
  // a rebuilt table is a fresh heap: vacuum marks it all-visible so the window queries read their indexes alone
  if ('full' in request || result.recountedClasses.length > 0) {
    await pool.query('VACUUM (ANALYZE) dashboard.parent_day, dashboard.class_day, dashboard.class_week, dashboard.parent_last, dashboard.responses, dashboard.keyword_hits');
  }
  return result;
}

async function recount(pool: Pool, request: RefreshRequest, options: { timezone: string }): Promise<RefreshResult> {
  const started = performance.now();
  return withTransaction(pool, async (client) => {
    await lockForTransaction(client, 'dashboard.refresh');
    const settings = await readSettings(client);
    const changed = await refreshMembership(client);
    const full = 'full' in request;
    const days = 'minMsgtime' in request ? await beijingDays(client, request, options.timezone) : { fromDay: null, toDay: null };
    const scope: RollupScope = { ...days, classIds: null };
    let parentDays = 0;
    let waits = 0;
    if (full || days.fromDay) {
      const since = days.fromDay ? await dayStart(client, days.fromDay, CONTEXT_LEAD_DAYS, options.timezone) : null;
      await buildClassContext(client, { since, classIds: null }, options.timezone);
      parentDays += await rebuildDayRollups(client, scope);
      await rebuildWeekRollups(client, scope, settings.engagement);
      await rebuildKeywordHits(client, scope, settings.keywords);
      const waitsSince = days.fromDay ? await dayStart(client, days.fromDay, 0, options.timezone) : null;
      waits += await recountWaits(client, { since: waitsSince, classIds: null, ctxStart: since });
    }
    const recount = full ? [] : changed;
    if (recount.length > 0) {
      const classScope: RollupScope = { fromDay: null, toDay: null, classIds: recount };
      await buildClassContext(client, { since: null, classIds: recount }, options.timezone);
      parentDays += await rebuildDayRollups(client, classScope);
      await rebuildWeekRollups(client, classScope, settings.engagement);
      await rebuildKeywordHits(client, classScope, settings.keywords);
      waits += await recountWaits(client, { since: null, classIds: recount });
    }
    await markRefreshed(client, full);
    return { ...days, recountedClasses: recount, parentDays, waits, durationMs: Math.round(performance.now() - started) };
  });
}

/** Recounts only what depends on the settings: weekly active parents (engagement rule) and keyword hits. */
export async function applySettingsToRollups(pool: Pool, options: { timezone: string; keywordsChanged: boolean; engagementChanged: boolean }): Promise<void> {
  await withTransaction(pool, async (client) => {
    await lockForTransaction(client, 'dashboard.refresh');
    const settings = await readSettings(client);
    const everything: RollupScope = { fromDay: null, toDay: null, classIds: null };
    if (options.engagementChanged) await rebuildWeekRollups(client, everything, settings.engagement);
    if (options.keywordsChanged) {
      await buildClassContext(client, { since: null, classIds: null }, options.timezone);
      await rebuildKeywordHits(client, everything, settings.keywords);
    }
  });
}

async function beijingDays(client: PoolClient, range: { minMsgtime: Date; maxMsgtime: Date }, timezone: string) {
  const { rows } = await client.query<{ from_day: string; to_day: string }>(
    'SELECT ($1::timestamptz AT TIME ZONE $3)::date::text AS from_day, ($2::timestamptz AT TIME ZONE $3)::date::text AS to_day',
    [range.minMsgtime, range.maxMsgtime, timezone]);
  return { fromDay: rows[0]!.from_day as string | null, toDay: rows[0]!.to_day as string | null };
}

async function dayStart(client: PoolClient, day: string, daysBefore: number, timezone: string): Promise<Date> {
  const { rows } = await client.query<{ at: Date }>('SELECT (($1::date - $2::int)::timestamp AT TIME ZONE $3) AS at', [day, daysBefore, timezone]);
  return rows[0]!.at;
}
