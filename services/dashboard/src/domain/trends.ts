import type { Pool } from '@doitcrm/kit';
import type { Trends } from '../contract.ts';
import type { ClassFilter } from '../data-access/class-filter.ts';
import { readWeekCells } from '../data-access/trend-repository.ts';
import { activityRate } from './class-list.ts';
import { addDays, todayIn } from './day-window.ts';

/** The Monday of the Beijing week holding `day`. */
export function mondayOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** Weekly series (messages, active-parent rate) for the last `weeks` weeks up to this one, per 段 or per class. */
export async function readTrends(db: Pool, params: { weeks: number; groupBy: 'section' | 'class'; filter: ClassFilter; timezone: string }): Promise<Trends> {
  const toWeek = mondayOf(todayIn(params.timezone));
  const fromWeek = addDays(toWeek, -7 * (params.weeks - 1));
  const cells = await readWeekCells(db, { fromWeek, toWeek, groupBy: params.groupBy, filter: params.filter });
  const weeks = Array.from({ length: params.weeks }, (_, index) => addDays(fromWeek, index * 7));
  const series = new Map<string, Trends['series'][number]>();
  for (const cell of cells) {
    let entry = series.get(cell.key);
    if (!entry) {
      entry = { key: cell.key, name: cell.name, messages: [], activeRate: [] };
      series.set(cell.key, entry);
    }
    entry.messages.push(cell.messages);
    entry.activeRate.push(activityRate(cell.activeParents, cell.parents));
  }
  return { weeks, groupBy: params.groupBy, series: [...series.values()] };
}
