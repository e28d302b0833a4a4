import type { Queryable } from '@doitcrm/kit';
import type { ClassStats, DashboardSettings, DayWindow } from '../contract.ts';
import type { ClassFilter } from '../data-access/class-filter.ts';
import { readClassStats, type ClassStatsRow } from '../data-access/class-stats-repository.ts';
import { sortClasses, toClassStats, type ClassSort } from './class-list.ts';

export interface ClassListRequest {
  window: DayWindow;
  filter: ClassFilter;
  sort: ClassSort;
  order: 'asc' | 'desc';
  attentionOnly: boolean;
  /** the rollups' last refresh, when the caller read it: see ClassStatsParams */
  refreshedAt?: string | null;
}

/** The class list of a window: rollup numbers, heat bands and "需关注" reasons, sorted from the allow-list. */
export async function readClassList(db: Queryable, settings: DashboardSettings, request: ClassListRequest): Promise<{ items: ClassStats[]; rows: ClassStatsRow[] }> {
  const rows = await readClassStats(db, { window: request.window, rule: settings.engagement, silentDays: settings.silentDays, filter: request.filter, refreshedAt: request.refreshedAt });
  let items = rows.map((row) => toClassStats(row, settings));
  if (request.attentionOnly) items = items.filter((item) => item.attentionReasons.length > 0);
  return { items: sortClasses(items, request.sort, request.order), rows };
}
