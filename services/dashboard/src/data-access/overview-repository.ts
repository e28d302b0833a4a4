import { prepared, type Queryable } from '@doitcrm/kit';
import type { DayWindow, OverviewNumbers } from '../contract.ts';
import { activeDaySql, type EngagementRule } from '../domain/engagement.ts';

export interface SchoolCounts {
  students: { total: number; enrolled: number; paused: number; refunded: number; withoutClass: number };
  classes: number;
  sections: number;
  levels: number;
  parents: number;
}

/** Every student counts (those without a class too, shown apart); 段 and 阶 count when they hold an active class. */
export async function readSchoolCounts(db: Queryable): Promise<SchoolCounts> {
  const { rows } = await db.query(prepared(`SELECT
       (SELECT count(*) FROM crm.students)::int AS total,
       (SELECT count(*) FROM crm.students WHERE status = '在读')::int AS enrolled,
       (SELECT count(*) FROM crm.students WHERE status = '休学')::int AS paused,
       (SELECT count(*) FROM crm.students WHERE status = '已退费')::int AS refunded,
       (SELECT count(*) FROM crm.students s WHERE NOT EXISTS (SELECT 1 FROM crm.enrolments e WHERE e.student_id = s.id))::int AS without_class,
       (SELECT count(*) FROM crm.classes WHERE is_active)::int AS classes,
       (SELECT count(DISTINCT l.section_id) FROM crm.classes c JOIN crm.levels l ON l.id = c.level_id WHERE c.is_active)::int AS sections,
       (SELECT count(DISTINCT c.level_id) FROM crm.classes c WHERE c.is_active)::int AS levels,
       (SELECT count(DISTINCT p.parent_id) FROM dashboard.class_parents p JOIN crm.classes c ON c.id = p.class_id WHERE c.is_active)::int AS parents`, []));
  const row = rows[0];
  return {
    students: { total: row.total, enrolled: row.enrolled, paused: row.paused, refunded: row.refunded, withoutClass: row.without_class },
    classes: row.classes,
    sections: row.sections,
    levels: row.levels,
    parents: row.parents,
  };
}

/** The first Beijing day the rollups hold class messages for (the archive's start as far as classes go), or null. */
export async function readFirstDataDay(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ first_day: string | null }>(prepared('SELECT min(day)::text AS first_day FROM dashboard.class_day', []));
  return rows[0]?.first_day ?? null;
}

/** Active parents (distinct across classes) and class messages of one window, active classes only. */
export async function readWindowNumbers(db: Queryable, window: DayWindow, rule: EngagementRule, parents: number): Promise<OverviewNumbers> {
  // DISTINCT in a subquery hashes the window's parent-days (~20k at 2M messages); count(DISTINCT) sorted them, a third
  // slower. Both sums come from one pass over the window's class-days.
  const { rows } = await db.query(prepared(`SELECT
       (SELECT count(*) FROM (SELECT DISTINCT d.parent_id FROM dashboard.parent_day d JOIN crm.classes c ON c.id = d.class_id AND c.is_active
        WHERE d.day BETWEEN $1::date AND $2::date AND ${activeDaySql('d', 3, 4)}) active)::int AS active,
       sums.messages, sums.parent_messages
     FROM (SELECT coalesce(sum(cd.messages), 0)::int AS messages, coalesce(sum(cd.parent_messages), 0)::int AS parent_messages
           FROM dashboard.class_day cd JOIN crm.classes c ON c.id = cd.class_id AND c.is_active
           WHERE cd.day BETWEEN $1::date AND $2::date) sums`,
  [window.from, window.to, rule.includeDirect, rule.textOnly]));
  const row = rows[0];
  return {
    activeParents: row.active,
    messages: row.messages,
    parentMessages: row.parent_messages,
    activityRate: parents > 0 ? Math.round((row.active / parents) * 100) : null,
  };
}
