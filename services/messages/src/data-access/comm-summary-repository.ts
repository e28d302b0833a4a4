import type { Queryable } from '@doitcrm/kit';
import type { PersonRole } from '../contract.ts';
import { IS_CHAT, sqlParams } from './message-rows.ts';

export interface CommSummaryRow {
  wechatId: string;
  displayName: string;
  userRole: PersonRole | null;
  studentName: string | null;
  studentEnglishName: string | null;
  totalMessages: number;
  textMessages: number;
  directMessages: number;
  groupMessages: number;
  firstMsgTime: Date;
  lastMsgTime: Date;
}

/**
 * The parent communication summary (docs/original-doitcrm.md#parent-comm-summary) per sender: 1:1 is room_id NULL and group is room_id NOT NULL —
 * the one rule (the original's export compared with NULL while it stored '', and counted no 1:1 at all).
 */
export async function readCommSummary(
  db: Queryable, query: { minMessages: number; role?: PersonRole; start?: Date; end?: Date },
): Promise<CommSummaryRow[]> {
  const { values, param } = sqlParams();
  const window: string[] = [IS_CHAT, 'm.from_id IS NOT NULL'];
  if (query.start) window.push(`m.msgtime >= ${param(query.start)}`);
  if (query.end) window.push(`m.msgtime <= ${param(query.end)}`);
  const { rows } = await db.query(
    `SELECT t.*, coalesce(i.display_name, t.from_id) AS display_name, i.user_role, st.name AS student_name, st.english_name AS student_english_name
     FROM (SELECT m.from_id, count(*)::int AS total, count(*) FILTER (WHERE m.msgtype = 'text')::int AS text,
                  count(*) FILTER (WHERE m.room_id IS NULL)::int AS direct, count(*) FILTER (WHERE m.room_id IS NOT NULL)::int AS grp,
                  min(m.msgtime) AS first_at, max(m.msgtime) AS last_at
           FROM chat.messages m WHERE ${window.join(' AND ')} GROUP BY m.from_id HAVING count(*) >= ${param(query.minMessages)}) t
     LEFT JOIN crm.identities i ON i.id_type = 'user_id' AND i.original_id = t.from_id
     LEFT JOIN LATERAL (SELECT s.name, s.english_name FROM crm.guardianships g JOIN crm.students s ON s.id = g.student_id
                        WHERE g.identity_id = i.id ORDER BY g.is_primary DESC, s.id LIMIT 1) st ON true
     WHERE ${query.role ? `i.user_role = ${param(query.role)}` : 'true'}
     ORDER BY t.total DESC, display_name`,
    values);
  return rows.map((row) => ({
    wechatId: row.from_id, displayName: row.display_name, userRole: row.user_role, studentName: row.student_name,
    studentEnglishName: row.student_english_name, totalMessages: row.total, textMessages: row.text, directMessages: row.direct,
    groupMessages: row.grp, firstMsgTime: row.first_at, lastMsgTime: row.last_at,
  }));
}
