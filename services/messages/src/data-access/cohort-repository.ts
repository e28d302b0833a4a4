import type { Queryable } from '@doitcrm/kit';
import type { CohortMember, FilterOptions, MessageView, PersonKind } from '../contract.ts';
import type { TimeWindow } from './conversation-repository.ts';
import { IS_CHAT, MESSAGE_COLUMNS, SENDER_JOIN, sqlParams, toMessageView, type MessageRow } from './message-rows.ts';
import { PERSON_COLUMNS, escapeLike, keywordCondition, kindCondition, toPerson } from './person-repository.ts';

export async function readFilterOptions(db: Queryable): Promise<FilterOptions> {
  const [sections, levels, classes] = await Promise.all([
    db.query<{ id: number; name: string }>('SELECT id, name FROM crm.sections WHERE is_active ORDER BY sort_order'),
    db.query<{ id: number; name: string; section_id: number }>('SELECT id, name, section_id FROM crm.levels WHERE is_active ORDER BY sort_order'),
    db.query<{ id: number; name: string; room_id: string | null; level_id: number; section_id: number }>(
      `SELECT c.id, c.name, c.room_id, c.level_id, l.section_id FROM crm.classes c JOIN crm.levels l ON l.id = c.level_id
       WHERE c.is_active ORDER BY l.sort_order, c.name, c.id`),
  ]);
  return {
    sections: sections.rows,
    levels: levels.rows.map((row) => ({ id: row.id, name: row.name, sectionId: row.section_id })),
    classes: classes.rows.map((row) => ({ id: row.id, name: row.name, roomId: row.room_id, levelId: row.level_id, sectionId: row.section_id })),
  };
}

export interface CohortFilter {
  kind: PersonKind;
  keyword?: string;
  sectionId?: number;
  levelId?: number;
  classIds?: number[];
  window: TimeWindow;
  limit: number;
}

/**
 * People matching the filter with the number of messages they sent in the window (only those who sent any), most
 * active first. A parent belongs to a class through a child's enrolment; staff through being its teacher or head
 * teacher.
 */
export async function filterCohort(db: Queryable, filter: CohortFilter): Promise<{ users: CohortMember[]; truncated: boolean }> {
  const { values, param } = sqlParams([filter.window.start, filter.window.end]);
  const conditions = ["i.id_type = 'user_id'", kindCondition(filter.kind)];
  if (filter.keyword) conditions.push(keywordCondition(param(`%${escapeLike(filter.keyword)}%`)));
  const classConditions: string[] = [];
  if (filter.classIds?.length) classConditions.push(`c.id = ANY(${param(filter.classIds)}::int[])`);
  if (filter.levelId) classConditions.push(`l.id = ${param(filter.levelId)}`);
  if (filter.sectionId) classConditions.push(`l.section_id = ${param(filter.sectionId)}`);
  if (classConditions.length) {
    conditions.push(`EXISTS (SELECT 1 FROM crm.classes c JOIN crm.levels l ON l.id = c.level_id
      WHERE ${classConditions.join(' AND ')} AND (
        EXISTS (SELECT 1 FROM crm.guardianships g JOIN crm.enrolments e ON e.student_id = g.student_id WHERE g.identity_id = i.id AND e.class_id = c.id)
        OR EXISTS (SELECT 1 FROM crm.staff st WHERE st.identity_id = i.id AND st.id IN (c.teacher_staff_id, c.head_teacher_staff_id))))`);
  }
  const { rows } = await db.query(
    `SELECT ${PERSON_COLUMNS}, sent.n AS message_count FROM crm.identities i
     CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM chat.messages m
       WHERE m.from_id = i.original_id AND m.msgtime BETWEEN $1 AND $2 AND ${IS_CHAT}) sent
     WHERE ${conditions.join(' AND ')} AND sent.n > 0
     ORDER BY sent.n DESC, coalesce(i.display_name, i.original_id), i.original_id LIMIT ${param(filter.limit + 1)}`,
    values);
  return {
    users: rows.slice(0, filter.limit).map((row) => ({ ...toPerson(row), messageCount: row.message_count as number })),
    truncated: rows.length > filter.limit,
  };
}

/** Per person: the count of their messages in the window (sent, and 1:1 received) and the newest `perPerson` of them. */
export async function messagesOfPeople(
  db: Queryable, personIds: string[], window: TimeWindow, perPerson: number,
): Promise<Map<string, { total: number; messages: MessageView[] }>> {
  const { rows } = await db.query<MessageRow & { person: string; total: number; conversation_name: string | null }>(
    `SELECT p.id AS person, totals.n AS total, x.* FROM unnest($1::text[]) AS p (id)
     CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM chat.messages m
       WHERE (m.from_id = p.id OR (m.room_id IS NULL AND m.to_ids[1] = p.id)) AND m.msgtime BETWEEN $2 AND $3 AND ${IS_CHAT}) totals
     LEFT JOIN LATERAL (
       SELECT ${MESSAGE_COLUMNS} FROM chat.messages m ${SENDER_JOIN}
       WHERE (m.from_id = p.id OR (m.room_id IS NULL AND m.to_ids[1] = p.id)) AND m.msgtime BETWEEN $2 AND $3 AND ${IS_CHAT}
       ORDER BY m.msgtime DESC, m.msgid DESC LIMIT $4) x ON true`,
    [personIds, window.start, window.end, perPerson]);
  const result = new Map<string, { total: number; messages: MessageView[] }>();
  for (const row of rows) {
    let entry = result.get(row.person);
    if (!entry) result.set(row.person, entry = { total: row.total, messages: [] });
    if (row.msgid) entry.messages.push(toMessageView(row, row.person));
  }
  for (const entry of result.values()) entry.messages.reverse();
  return result;
}

/** Names of the rooms messages were written in, for transcripts. */
export async function roomNames(db: Queryable, roomIds: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; name: string }>(
    `SELECT q.id, coalesce(r.display_name, c.name, q.id) AS name FROM unnest($1::text[]) AS q (id)
     LEFT JOIN crm.identities r ON r.id_type = 'room_id' AND r.original_id = q.id LEFT JOIN crm.classes c ON c.room_id = q.id`,
    [roomIds]);
  return new Map(rows.map((row) => [row.id, row.name]));
}
