import type { Queryable } from '@doitcrm/kit';

/** A silence longer than this starts a new wait even after a parent's own unanswered message. */
export const NEW_WAIT_AFTER_HOURS = 12;

// the messages of `ctx` that make or end waits, each with the conversation it belongs to
const CONVERSATION_MESSAGES_SQL = `
       SELECT class_id, msgid, msgtime, day, from_id, sender_kind, parent_id, teacher_id,
              CASE WHEN channel = 'group' THEN 'room:' || room_id ELSE 'direct:' || parent_id || ':' || teacher_id END AS conversation
       FROM ctx WHERE sender_kind IN ('parent', 'staff')`;

/**
 * The waits of the scope, recounted from `ctx`: in each class conversation (the group, or one parent with one
 * teacher 1:1) a parent message starts a wait when the message before it was from staff, or there was none, or it
 * was more than 12 hours earlier; the wait ends at the first staff message after it. `since` must be at least a day
 * after the start of `ctx`, so every stored wait sees the message before it.
 *
 * With `ctxStart` (an import's recount, `ctx` starting there), the waits asked before `since` that the import may
 * have answered get their reply too: those still open, and those whose reply came at or after `ctxStart`, where a
 * new staff message may now come first. Their start cannot change (nothing new precedes them), only their reply:
 * the first staff message of the conversation after them, which lies in `ctx` when it is new. Without this, a
 * question left open for weeks stayed "unanswered" after the import that brought its answer, until a full rebuild.
 * Both read one numbering of `ctx`, in one statement.
 */
export async function recountWaits(db: Queryable, scope: { since: Date | null; classIds: number[] | null; ctxStart?: Date | null }): Promise<number> {
  const values = [scope.since, scope.classIds, scope.ctxStart ?? null];
  await db.query(
    `DELETE FROM dashboard.responses WHERE ($1::timestamptz IS NULL OR asked_at >= $1) AND ($2::int[] IS NULL OR class_id = ANY($2))`, values.slice(0, 2));
  const { rows: [counted] } = await db.query<{ waits: number }>(
    `WITH conv AS (${CONVERSATION_MESSAGES_SQL}),
     ordered AS (
       SELECT *,
         lag(sender_kind) OVER forward AS prev_kind,
         lag(msgtime) OVER forward AS prev_at,
         -- the next staff message is the one numbered one more than the staff messages up to here
         count(*) FILTER (WHERE sender_kind = 'staff') OVER (forward ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS staff_seq
       FROM conv
       WINDOW forward AS (PARTITION BY class_id, conversation ORDER BY msgtime, msgid)),
     waits AS (
       SELECT * FROM ordered
       WHERE sender_kind = 'parent' AND ($1::timestamptz IS NULL OR msgtime >= $1)
         AND (prev_kind IS NULL OR prev_kind = 'staff' OR msgtime - prev_at > make_interval(hours => ${NEW_WAIT_AFTER_HOURS}))),
     replies AS (SELECT class_id, conversation, staff_seq, msgid, from_id, msgtime FROM ordered WHERE sender_kind = 'staff'),
     inserted AS (
       INSERT INTO dashboard.responses (class_id, asked_msgid, conversation, parent_id, asked_at, day, reply_msgid, replied_by, replied_at, wait_seconds, direct_teacher_id)
       SELECT w.class_id, w.msgid, w.conversation, w.parent_id, w.msgtime, w.day, r.msgid, r.from_id, r.msgtime,
              extract(epoch FROM r.msgtime - w.msgtime)::int, w.teacher_id
       FROM waits w
       LEFT JOIN replies r ON r.class_id = w.class_id AND r.conversation = w.conversation AND r.staff_seq = w.staff_seq + 1
       WHERE ($2::int[] IS NULL OR w.class_id = ANY($2))
       ORDER BY w.class_id, w.day
       ON CONFLICT (class_id, asked_msgid) DO NOTHING
       RETURNING 1),
     -- the older waits (none without ctxStart); the rows inserted above are all asked at or after since
     older AS (
       SELECT class_id, asked_msgid, conversation, asked_at FROM dashboard.responses
       WHERE $3::timestamptz IS NOT NULL AND asked_at < $1 AND (replied_at IS NULL OR replied_at >= $3)),
     -- materialised: joined to the replies first, the planner pairs each question with every later staff message
     older_asked_in_ctx AS MATERIALIZED (
       SELECT w.class_id, w.asked_msgid, w.asked_at, w.conversation, asked.staff_seq
       FROM older w
       JOIN ordered asked ON asked.class_id = w.class_id AND asked.conversation = w.conversation AND asked.msgid = w.asked_msgid
       WHERE w.asked_at >= $3),
     older_reply AS (
       -- asked before ctx begins: the conversation's first staff message in ctx
       SELECT w.class_id, w.asked_msgid, w.asked_at, r.msgid, r.from_id, r.msgtime
       FROM older w JOIN replies r ON r.class_id = w.class_id AND r.conversation = w.conversation AND r.staff_seq = 1
       WHERE w.asked_at < $3
       UNION ALL
       -- asked inside ctx: the staff message after the question
       SELECT w.class_id, w.asked_msgid, w.asked_at, r.msgid, r.from_id, r.msgtime
       FROM older_asked_in_ctx w
       JOIN replies r ON r.class_id = w.class_id AND r.conversation = w.conversation AND r.staff_seq = w.staff_seq + 1),
     answered AS (
       UPDATE dashboard.responses r
       SET reply_msgid = f.msgid, replied_by = f.from_id, replied_at = f.msgtime, wait_seconds = extract(epoch FROM f.msgtime - f.asked_at)::int
       FROM older_reply f
       WHERE r.class_id = f.class_id AND r.asked_msgid = f.asked_msgid AND r.reply_msgid IS DISTINCT FROM f.msgid
       RETURNING 1)
     SELECT ((SELECT count(*) FROM inserted) + (SELECT count(*) FROM answered))::int AS waits`,
    values,
  );
  return counted!.waits;
}
