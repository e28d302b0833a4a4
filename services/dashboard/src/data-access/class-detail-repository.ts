import type { Queryable } from '@doitcrm/kit';
import type { DayWindow } from '../contract.ts';
import { activeDaySql, type EngagementRule } from '../domain/engagement.ts';

export interface GuardianRow {
  studentId: number;
  studentName: string;
  englishName: string | null;
  status: string;
  parentId: string | null;
  parentName: string | null;
  relation: string | null;
  isPrimary: boolean;
  groupMessages: number;
  directMessages: number;
  staffReplies: number;
  lastContactAt: Date | null;
}

/** Every student of the class with every guardian (a student without one still appears), ordered by name. */
export async function readClassGuardians(db: Queryable, classId: number, window: DayWindow): Promise<GuardianRow[]> {
  const { rows } = await db.query(
    `SELECT st.id AS student_id, st.name AS student_name, st.english_name, e.status,
            g.parent_id, g.parent_name, g.relation, coalesce(g.is_primary, false) AS is_primary,
            coalesce(w.group_sent, 0) AS group_sent, coalesce(w.direct_sent, 0) AS direct_sent, coalesce(w.direct_received, 0) AS direct_received, pl.last_contact_at
     FROM crm.enrolments e
     JOIN crm.students st ON st.id = e.student_id
     LEFT JOIN dashboard.class_guardians g ON g.class_id = e.class_id AND g.student_id = st.id
     LEFT JOIN dashboard.parent_last pl ON pl.class_id = e.class_id AND pl.parent_id = g.parent_id
     LEFT JOIN (SELECT parent_id, sum(group_sent)::int AS group_sent, sum(direct_sent)::int AS direct_sent,
                       sum(direct_received)::int AS direct_received FROM dashboard.parent_day
                WHERE class_id = $1 AND day BETWEEN $2::date AND $3::date GROUP BY parent_id) w ON w.parent_id = g.parent_id
     WHERE e.class_id = $1
     ORDER BY st.name, st.id, g.is_primary DESC NULLS LAST, g.parent_name`,
    [classId, window.from, window.to],
  );
  return rows.map((row) => ({
    studentId: row.student_id,
    studentName: row.student_name,
    englishName: row.english_name,
    status: row.status,
    parentId: row.parent_id,
    parentName: row.parent_name,
    relation: row.relation,
    isPrimary: row.is_primary,
    groupMessages: row.group_sent,
    directMessages: row.direct_sent,
    staffReplies: row.direct_received,
    lastContactAt: row.last_contact_at,
  }));
}

export interface DailyRow { day: string; messages: number; parentMessages: number; staffMessages: number; activeParents: number }

/** One row per day of the window (days without messages included, as zeros). */
export async function readClassDaily(db: Queryable, classId: number, window: DayWindow, rule: EngagementRule): Promise<DailyRow[]> {
  const { rows } = await db.query(
    `SELECT d::date::text AS day, coalesce(cd.messages, 0) AS messages, coalesce(cd.parent_messages, 0) AS parent_messages,
            coalesce(cd.staff_messages, 0) AS staff_messages, coalesce(a.active, 0) AS active
     FROM generate_series($2::date, $3::date, interval '1 day') AS d
     LEFT JOIN dashboard.class_day cd ON cd.class_id = $1 AND cd.day = d::date
     LEFT JOIN (SELECT day, count(*)::int AS active FROM dashboard.parent_day pd
                WHERE pd.class_id = $1 AND pd.day BETWEEN $2::date AND $3::date AND ${activeDaySql('pd', 4, 5)} GROUP BY day) a ON a.day = d::date
     ORDER BY d`,
    [classId, window.from, window.to, rule.includeDirect, rule.textOnly],
  );
  return rows.map((row) => ({ day: row.day, messages: row.messages, parentMessages: row.parent_messages, staffMessages: row.staff_messages, activeParents: row.active }));
}

export interface ResponseRow {
  /** null for the class as a whole */
  teacherId: string | null;
  teacherName: string | null;
  waits: number;
  answered: number;
  medianMinutes: number | null;
}

/**
 * Waits of the window for the class and per teacher. A wait belongs to the teacher who answered it, or (1:1,
 * unanswered) to the teacher who was asked; an unanswered group wait belongs to the class only.
 */
export async function readResponseStats(db: Queryable, window: DayWindow, classIds: number[] | null): Promise<Array<ResponseRow & { classId: number }>> {
  const { rows } = await db.query(
    `SELECT r.class_id, coalesce(r.replied_by, r.direct_teacher_id) AS teacher_id,
            coalesce(max(st.name), max(i.display_name), coalesce(r.replied_by, r.direct_teacher_id)) AS teacher_name,
            count(*)::int AS waits, count(r.replied_at)::int AS answered,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY r.wait_seconds) FILTER (WHERE r.wait_seconds IS NOT NULL) / 60 AS median,
            GROUPING(coalesce(r.replied_by, r.direct_teacher_id)) AS is_total
     FROM dashboard.responses r
     LEFT JOIN crm.identities i ON i.id_type = 'user_id' AND i.original_id = coalesce(r.replied_by, r.direct_teacher_id)
     LEFT JOIN crm.staff st ON st.identity_id = i.id
     WHERE r.day BETWEEN $1::date AND $2::date AND ($3::int[] IS NULL OR r.class_id = ANY($3))
     GROUP BY GROUPING SETS ((r.class_id), (r.class_id, coalesce(r.replied_by, r.direct_teacher_id)))`,
    [window.from, window.to, classIds],
  );
  return rows
    .filter((row) => row.is_total === 1 || row.teacher_id !== null)
    .map((row) => ({
      classId: row.class_id,
      teacherId: row.is_total === 1 ? null : row.teacher_id,
      teacherName: row.is_total === 1 ? null : row.teacher_name,
      waits: row.waits,
      answered: row.answered,
      medianMinutes: row.median === null ? null : Math.round(Number(row.median) * 10) / 10,
    }));
}
