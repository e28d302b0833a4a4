import type { Queryable } from '@doitcrm/kit';
import type { AlertKind, AlertSeverity, DayWindow } from '../contract.ts';
import { minutesText } from '../domain/duration-text.ts';

/** An alert as the current data implies it; `dedupeKey` says which stored alert it is. */
export interface AlertCandidate {
  kind: AlertKind;
  severity: AlertSeverity;
  dedupeKey: string;
  classId: number;
  title: string;
  evidence: Record<string, unknown>;
  evidenceQuery: string | null;
  lastContactAt: Date | null;
}

const query = (key: string, value: string | null) => (value ? `${key}=${encodeURIComponent(value)}` : null);

/** Parents of enrolled (在读) students in active classes who sent nothing in the class context for more than N days. */
export async function silentParentCandidates(db: Queryable, silentDays: number): Promise<AlertCandidate[]> {
  const { rows } = await db.query(
    `SELECT g.class_id, c.name AS class_name, g.parent_id, max(g.parent_name) AS parent_name,
            array_agg(DISTINCT g.student_name ORDER BY g.student_name) AS students, pl.last_sent_at, pl.last_contact_at
     FROM dashboard.class_guardians g
     JOIN crm.classes c ON c.id = g.class_id AND c.is_active
     LEFT JOIN dashboard.parent_last pl ON pl.class_id = g.class_id AND pl.parent_id = g.parent_id
     WHERE g.status = '在读' AND (pl.last_sent_at IS NULL OR pl.last_sent_at < now() - make_interval(days => $1::int))
     GROUP BY g.class_id, c.name, g.parent_id, pl.last_sent_at, pl.last_contact_at`,
    [silentDays],
  );
  return rows.map((row) => ({
    kind: 'silent_parent',
    severity: 'warning',
    dedupeKey: `silent_parent:${row.class_id}:${row.parent_id}`,
    classId: row.class_id,
    title: `${row.parent_name}（${row.students.join('、')} 家长）超过 ${silentDays} 天未沟通`,
    evidence: { parentId: row.parent_id, parentName: row.parent_name, students: row.students, lastSentAt: row.last_sent_at?.toISOString() ?? null, silentDays },
    evidenceQuery: query('user', row.parent_id),
    lastContactAt: row.last_sent_at,
  }));
}

/**
 * Students 休学 / 已退费 in a class (the roster keeps the status per enrolment), with the real last contact of their
 * guardians from the chat log.
 */
export async function churnCandidates(db: Queryable): Promise<AlertCandidate[]> {
  const { rows } = await db.query(
    `SELECT e.class_id, st.id AS student_id, st.name AS student_name, st.english_name, e.status,
            (array_agg(g.parent_id ORDER BY g.is_primary DESC, pl.last_contact_at DESC NULLS LAST) FILTER (WHERE g.parent_id IS NOT NULL))[1] AS parent_id,
            (array_agg(g.parent_name ORDER BY g.is_primary DESC, pl.last_contact_at DESC NULLS LAST) FILTER (WHERE g.parent_id IS NOT NULL))[1] AS parent_name,
            max(pl.last_contact_at) AS last_contact_at
     FROM crm.enrolments e
     JOIN crm.classes c ON c.id = e.class_id AND c.is_active
     JOIN crm.students st ON st.id = e.student_id
     LEFT JOIN dashboard.class_guardians g ON g.class_id = e.class_id AND g.student_id = st.id
     LEFT JOIN dashboard.parent_last pl ON pl.class_id = e.class_id AND pl.parent_id = g.parent_id
     WHERE e.status IN ('休学', '已退费')
     GROUP BY e.class_id, st.id, e.status`,
  );
  return rows.map((row) => ({
    kind: 'churn_risk',
    severity: row.status === '已退费' ? 'critical' : 'warning',
    dedupeKey: `churn_risk:${row.class_id}:${row.student_id}:${row.status}`,
    classId: row.class_id,
    title: `${row.student_name}${row.english_name ? `（${row.english_name}）` : ''} ${row.status}`,
    evidence: { studentId: row.student_id, studentName: row.student_name, status: row.status, parentId: row.parent_id, parentName: row.parent_name,
      lastContactAt: row.last_contact_at?.toISOString() ?? null },
    evidenceQuery: query('user', row.parent_id),
    lastContactAt: row.last_contact_at,
  }));
}

/** Classes whose median response time over the window is above the limit. */
export async function slowResponseCandidates(db: Queryable, window: DayWindow, limitMinutes: number): Promise<AlertCandidate[]> {
  const { rows } = await db.query(
    `SELECT r.class_id, c.name AS class_name, c.room_id, count(*)::int AS waits, count(r.replied_at)::int AS answered,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY r.wait_seconds) FILTER (WHERE r.wait_seconds IS NOT NULL) / 60 AS median,
            (array_agg(r.asked_msgid ORDER BY r.replied_at - r.asked_at DESC NULLS FIRST))[1] AS slowest_msgid
     FROM dashboard.responses r JOIN crm.classes c ON c.id = r.class_id AND c.is_active
     WHERE r.day BETWEEN $1::date AND $2::date
     GROUP BY r.class_id, c.name, c.room_id`,
    [window.from, window.to],
  );
  return rows
    .filter((row) => row.median !== null && Number(row.median) > limitMinutes)
    .map((row) => ({
      kind: 'slow_response' as const,
      severity: 'warning' as const,
      dedupeKey: `slow_response:${row.class_id}`,
      classId: row.class_id,
      title: `${row.class_name} 老师回复慢：中位 ${minutesText(Number(row.median))}`,
      evidence: { medianMinutes: Math.round(Number(row.median) * 10) / 10, waits: row.waits, answered: row.answered,
        unanswered: row.waits - row.answered, limitMinutes, window, slowestMsgid: row.slowest_msgid },
      evidenceQuery: row.room_id ? query('room', row.room_id) : query('msg', row.slowest_msgid),
      lastContactAt: null,
    }));
}

/** Parents' messages of the window that contain a configured keyword. */
export async function keywordCandidates(db: Queryable, window: DayWindow): Promise<AlertCandidate[]> {
  const { rows } = await db.query(
    `SELECT k.class_id, k.msgid, k.parent_id, k.msgtime, k.keywords, k.excerpt,
            coalesce(i.display_name, k.parent_id) AS parent_name
     FROM dashboard.keyword_hits k
     JOIN crm.classes c ON c.id = k.class_id AND c.is_active
     LEFT JOIN crm.identities i ON i.id_type = 'user_id' AND i.original_id = k.parent_id
     WHERE k.day BETWEEN $1::date AND $2::date`,
    [window.from, window.to],
  );
  return rows.map((row) => ({
    kind: 'keyword',
    severity: 'critical',
    dedupeKey: `keyword:${row.class_id}:${row.msgid}`,
    classId: row.class_id,
    title: `${row.parent_name} 提到「${row.keywords.join('、')}」`,
    evidence: { msgid: row.msgid, parentId: row.parent_id, parentName: row.parent_name, keywords: row.keywords, excerpt: row.excerpt, at: row.msgtime.toISOString() },
    evidenceQuery: query('msg', row.msgid),
    lastContactAt: row.msgtime,
  }));
}
