import type { Queryable } from '@doitcrm/kit';

/** Which messages a refresh recounts: from an instant on (to the end of the log), all classes or a few. */
export interface ContextScope {
  since: Date | null;
  classIds: number[] | null;
}

/**
 * Fills the temporary table `ctx` with the class-context messages of the scope, one row per (class, message):
 * the class group's messages, and 1:1 messages between a parent of the class and one of its teachers. Each row
 * says who spoke (parent of this class, staff, other) and, for 1:1, the parent and teacher of the conversation.
 * Only what people sent counts: recalls and switch records do not.
 */
export async function buildClassContext(db: Queryable, scope: ContextScope, timezone: string): Promise<number> {
  await db.query('DROP TABLE IF EXISTS ctx');
  const result = await db.query(
    `CREATE TEMP TABLE ctx ON COMMIT DROP AS
     WITH scoped AS (
       SELECT msgid, msgtime, msgtype, from_id, room_id, to_ids, payload FROM chat.messages
       WHERE ($1::timestamptz IS NULL OR msgtime >= $1) AND action = 'send' AND msgtype NOT IN ('revoke', 'switch')),
     rooms AS (SELECT class_id, room_id FROM dashboard.class_rooms WHERE $2::int[] IS NULL OR class_id = ANY($2)),
     pairs AS (
       SELECT p.class_id, p.parent_id, t.teacher_id FROM dashboard.class_parents p JOIN dashboard.class_teachers t USING (class_id)
       WHERE $2::int[] IS NULL OR p.class_id = ANY($2)),
     -- staff: the corp's own members, identities mapped to a staff role, and everyone on the staff list (a teacher
     -- whose WeCom account belongs to a partner corp is an external id, yet answers parents as staff)
     staff AS (
       SELECT original_id FROM crm.identities
       WHERE id_type = 'user_id' AND (id_kind = 'staff' OR user_role IN ('teacher', 'head_teacher', 'advisor'))
       UNION SELECT i.original_id FROM crm.staff sf JOIN crm.identities i ON i.id = sf.identity_id AND i.id_type = 'user_id'
       UNION SELECT teacher_id FROM dashboard.class_teachers),
     joined AS (
       SELECT r.class_id, s.msgid, s.msgtime, s.msgtype, s.from_id, s.room_id, s.payload, 'group' AS channel,
              CASE WHEN p.parent_id IS NOT NULL THEN 'parent' WHEN st.original_id IS NOT NULL THEN 'staff' ELSE 'other' END AS sender_kind,
              CASE WHEN p.parent_id IS NOT NULL THEN s.from_id END AS parent_id, NULL::text AS teacher_id
       FROM scoped s JOIN rooms r ON r.room_id = s.room_id
       LEFT JOIN dashboard.class_parents p ON p.class_id = r.class_id AND p.parent_id = s.from_id
       LEFT JOIN staff st ON st.original_id = s.from_id
       UNION ALL
       SELECT pr.class_id, s.msgid, s.msgtime, s.msgtype, s.from_id, NULL, s.payload, 'direct', 'parent', pr.parent_id, pr.teacher_id
       FROM scoped s CROSS JOIN LATERAL unnest(s.to_ids) AS recipient (id)
       JOIN pairs pr ON pr.parent_id = s.from_id AND pr.teacher_id = recipient.id
       WHERE s.room_id IS NULL
       UNION ALL
       SELECT pr.class_id, s.msgid, s.msgtime, s.msgtype, s.from_id, NULL, s.payload, 'direct', 'staff', pr.parent_id, pr.teacher_id
       FROM scoped s CROSS JOIN LATERAL unnest(s.to_ids) AS recipient (id)
       JOIN pairs pr ON pr.teacher_id = s.from_id AND pr.parent_id = recipient.id
       WHERE s.room_id IS NULL)
     SELECT class_id, msgid, msgtime, (msgtime AT TIME ZONE $3)::date AS day, msgtype, from_id, room_id, channel, sender_kind,
            parent_id, teacher_id,
            CASE WHEN sender_kind = 'parent' AND msgtype = 'text' THEN payload->>'content' END AS content
     FROM joined`,
    [scope.since, scope.classIds, timezone],
  );
  await db.query('ANALYZE ctx');
  return result.rowCount ?? 0;
}
