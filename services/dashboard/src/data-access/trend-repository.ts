import { prepared, type Queryable } from '@doitcrm/kit';
import { classesCte, type ClassFilter } from './class-filter.ts';

export interface WeekCell {
  key: string;
  name: string;
  order: number;
  week: string;
  messages: number;
  activeParents: number;
  parents: number;
}

/**
 * Weekly messages and active parents from the weekly rollup, per 段 or per class of the filter, for the weeks
 * from `fromWeek` to `toWeek` (Mondays). The denominator is today's parents of the class: the roster's history is
 * not kept.
 */
export async function readWeekCells(db: Queryable, params: { fromWeek: string; toWeek: string; groupBy: 'section' | 'class'; filter: ClassFilter }): Promise<WeekCell[]> {
  const cte = classesCte(params.filter, 3);
  const key = params.groupBy === 'section' ? 'cls.section_id' : 'cls.class_id';
  const name = params.groupBy === 'section' ? 'max(cls.section_name)' : "max(cls.level_name || ' ' || cls.class_name)";
  const order = params.groupBy === 'section' ? 'min(cls.section_order)' : 'min(cls.section_order * 100000 + cls.level_order * 1000)';
  const { rows } = await db.query(prepared(`WITH ${cte.sql},
     par AS (SELECT class_id, count(*)::int AS parents FROM dashboard.class_parents GROUP BY class_id),
     weeks AS (SELECT w::date AS week FROM generate_series($1::date, $2::date, interval '7 days') AS w)
     SELECT ${key}::text AS key, ${name} AS name, ${order} AS ord, weeks.week::text AS week,
            coalesce(sum(cw.messages), 0)::int AS messages, coalesce(sum(cw.active_parents), 0)::int AS active,
            coalesce(sum(par.parents), 0)::int AS parents
     FROM cls CROSS JOIN weeks
     LEFT JOIN dashboard.class_week cw ON cw.class_id = cls.class_id AND cw.week = weeks.week
     LEFT JOIN par ON par.class_id = cls.class_id
     GROUP BY ${key}, weeks.week
     ORDER BY ord, name, key, weeks.week`,
  [params.fromWeek, params.toWeek, ...cte.values]));
  return rows.map((row) => ({
    key: row.key, name: row.name, order: Number(row.ord), week: row.week, messages: row.messages, activeParents: row.active, parents: row.parents,
  }));
}
