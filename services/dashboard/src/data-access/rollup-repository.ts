import type { Queryable } from '@doitcrm/kit';
import { activeDaySql, type EngagementRule } from '../domain/engagement.ts';

/** Days and classes a refresh rewrites: null days = every day, null classIds = every class. */
export interface RollupScope {
  fromDay: string | null;
  toDay: string | null;
  classIds: number[] | null;
}

// $1 from day, $2 to day, $3 class ids: the same filter for every rollup table
const SCOPE_SQL = `($1::date IS NULL OR day BETWEEN $1::date AND $2::date) AND ($3::int[] IS NULL OR class_id = ANY($3))`;
const scopeValues = (scope: RollupScope) => [scope.fromDay, scope.toDay, scope.classIds];

/** Per (class, parent, day) and per (class, day) counts of the scope, recounted from `ctx`. */
export async function rebuildDayRollups(db: Queryable, scope: RollupScope): Promise<number> {
  const values = scopeValues(scope);
  await db.query('DROP TABLE IF EXISTS touched_parents');
  await db.query(`CREATE TEMP TABLE touched_parents ON COMMIT DROP AS SELECT DISTINCT class_id, parent_id FROM dashboard.parent_day WHERE ${SCOPE_SQL}`, values);
  await db.query(`DELETE FROM dashboard.parent_day WHERE ${SCOPE_SQL}`, values);
  await db.query(`DELETE FROM dashboard.class_day WHERE ${SCOPE_SQL}`, values);
  const inserted = await db.query(
    `INSERT INTO dashboard.parent_day (class_id, parent_id, day, group_sent, group_text, direct_sent, direct_text, direct_received, last_sent_at, last_contact_at)
     SELECT class_id, parent_id, day,
       count(*) FILTER (WHERE channel = 'group' AND sender_kind = 'parent'),
       count(*) FILTER (WHERE channel = 'group' AND sender_kind = 'parent' AND msgtype = 'text'),
       count(*) FILTER (WHERE channel = 'direct' AND sender_kind = 'parent'),
       count(*) FILTER (WHERE channel = 'direct' AND sender_kind = 'parent' AND msgtype = 'text'),
       count(*) FILTER (WHERE channel = 'direct' AND sender_kind = 'staff'),
       max(msgtime) FILTER (WHERE sender_kind = 'parent'),
       max(msgtime)
     FROM ctx WHERE parent_id IS NOT NULL AND ${SCOPE_SQL}
     GROUP BY class_id, parent_id, day
     -- stored in (class, day) order: a window's rows of a class sit on neighbouring pages
     ORDER BY class_id, day, parent_id`,
    values,
  );
  await db.query(
    `INSERT INTO dashboard.class_day (class_id, day, messages, parent_messages, staff_messages, last_at)
     SELECT class_id, day, count(*), count(*) FILTER (WHERE sender_kind = 'parent'), count(*) FILTER (WHERE sender_kind = 'staff'), max(msgtime)
     FROM ctx WHERE ${SCOPE_SQL} GROUP BY class_id, day ORDER BY class_id, day`,
    values,
  );
  await db.query(`INSERT INTO touched_parents SELECT DISTINCT class_id, parent_id FROM dashboard.parent_day WHERE ${SCOPE_SQL}`, values);
  if (scope.classIds) await db.query('DELETE FROM dashboard.parent_last WHERE class_id = ANY($1::int[])', [scope.classIds]);
  await db.query('DELETE FROM dashboard.parent_last l USING touched_parents t WHERE l.class_id = t.class_id AND l.parent_id = t.parent_id');
  await db.query(
    `INSERT INTO dashboard.parent_last (class_id, parent_id, last_sent_at, last_contact_at)
     SELECT d.class_id, d.parent_id, max(d.last_sent_at), max(d.last_contact_at)
     FROM dashboard.parent_day d JOIN (SELECT DISTINCT class_id, parent_id FROM touched_parents) t USING (class_id, parent_id)
     GROUP BY d.class_id, d.parent_id`,
  );
  return inserted.rowCount ?? 0;
}

/**
 * Weekly messages and active parents of the weeks the scope touches (Monday weeks, Beijing days), from the day
 * rollups. Also run on its own when the engagement rule changes.
 */
export async function rebuildWeekRollups(db: Queryable, scope: RollupScope, rule: EngagementRule): Promise<void> {
  const values = [scope.fromDay, scope.toDay, scope.classIds];
  const weekScope = `($1::date IS NULL OR week BETWEEN date_trunc('week', $1::date)::date AND date_trunc('week', $2::date)::date)
                     AND ($3::int[] IS NULL OR class_id = ANY($3))`;
  const dayScope = `($1::date IS NULL OR day BETWEEN date_trunc('week', $1::date)::date AND date_trunc('week', $2::date)::date + 6)
                    AND ($3::int[] IS NULL OR class_id = ANY($3))`;
  await db.query(`DELETE FROM dashboard.class_week WHERE ${weekScope}`, values);
  await db.query(
    `INSERT INTO dashboard.class_week (class_id, week, messages, active_parents)
     SELECT c.class_id, c.week, c.messages, coalesce(a.active, 0) FROM
       (SELECT class_id, date_trunc('week', day)::date AS week, sum(messages)::int AS messages
        FROM dashboard.class_day WHERE ${dayScope} GROUP BY 1, 2) c
     LEFT JOIN
       (SELECT class_id, date_trunc('week', day)::date AS week, count(DISTINCT parent_id)::int AS active
        FROM dashboard.parent_day d WHERE ${dayScope} AND ${activeDaySql('d', 4, 5)} GROUP BY 1, 2) a
     USING (class_id, week)`,
    [...values, rule.includeDirect, rule.textOnly],
  );
}

/** Parents' text messages in the scope that contain one of the keywords (plain substring, case-insensitive). */
export async function rebuildKeywordHits(db: Queryable, scope: RollupScope, keywords: string[]): Promise<void> {
  const values = scopeValues(scope);
  await db.query(`DELETE FROM dashboard.keyword_hits WHERE ${SCOPE_SQL}`, values);
  if (keywords.length === 0) return;
  await db.query(
    `INSERT INTO dashboard.keyword_hits (class_id, msgid, parent_id, msgtime, day, room_id, keywords, excerpt)
     SELECT class_id, msgid, parent_id, msgtime, day, room_id, found, left(content, 200) FROM (
       SELECT c.*, ARRAY(SELECT k FROM unnest($4::text[]) AS k WHERE strpos(lower(c.content), lower(k)) > 0) AS found
       FROM ctx c WHERE c.content IS NOT NULL AND c.sender_kind = 'parent' AND ${SCOPE_SQL}
     ) hits
     WHERE cardinality(found) > 0
     ON CONFLICT (class_id, msgid) DO NOTHING`,
    [...values, keywords],
  );
}
