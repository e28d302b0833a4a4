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
 */
export async function rebuildResponses(db: Queryable, scope: { since: Date | null; classIds: number[] | null }): Promise<number> {
  const values = [scope.since, scope.classIds];
  await db.query(
    `DELETE FROM dashboard.responses WHERE ($1::timestamptz IS NULL OR asked_at >= $1) AND ($2::int[] IS NULL OR class_id = ANY($2))`, values);
  const result = await db.query(
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
     replies AS (SELECT class_id, conversation, staff_seq, msgid, from_id, msgtime FROM ordered WHERE sender_kind = 'staff')
     INSERT INTO dashboard.responses (class_id, asked_msgid, conversation, parent_id, asked_at, day, reply_msgid, replied_by, replied_at, wait_seconds, direct_teacher_id)
     SELECT w.class_id, w.msgid, w.conversation, w.parent_id, w.msgtime, w.day, r.msgid, r.from_id, r.msgtime,
            extract(epoch FROM r.msgtime - w.msgtime)::int, w.teacher_id
     FROM waits w
     LEFT JOIN replies r ON r.class_id = w.class_id AND r.conversation = w.conversation AND r.staff_seq = w.staff_seq + 1
     WHERE ($2::int[] IS NULL OR w.class_id = ANY($2))
     ORDER BY w.class_id, w.day
     ON CONFLICT (class_id, asked_msgid) DO NOTHING`,
    values,
  );
  return result.rowCount ?? 0;
}

/**
 * Waits asked before `since` (the start of an import's recount) that an import may have answered: those still open,
 * and those whose reply came at or after `ctxStart`, where a new staff message may now come first. Their start
 * cannot change (nothing new precedes them), only their reply: the first staff message of the conversation after
 * them, which lies in `ctx` when it is new. Without this, a question left open for weeks stayed "unanswered" after
 * the import that brought its answer, until a full rebuild.
 */
export async function answerOlderWaits(db: Queryable, scope: { since: Date; ctxStart: Date }): Promise<number> {
  const result = await db.query(
    `WITH open_waits AS (
       SELECT class_id, asked_msgid, conversation, asked_at FROM dashboard.responses
       WHERE asked_at < $1 AND (replied_at IS NULL OR replied_at >= $2)),
     -- staff messages numbered per conversation in time order: a message's reply is the staff message numbered one
     -- more than the staff messages up to it (as rebuildResponses does), so no wait is joined to every later message
     ordered AS (
       SELECT class_id, conversation, msgid, from_id, msgtime, sender_kind,
         count(*) FILTER (WHERE sender_kind = 'staff')
           OVER (PARTITION BY class_id, conversation ORDER BY msgtime, msgid ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS staff_seq
       FROM (${CONVERSATION_MESSAGES_SQL}) conv),
     replies AS (SELECT class_id, conversation, staff_seq, msgid, from_id, msgtime FROM ordered WHERE sender_kind = 'staff'),
     -- materialised: joined to the replies first, the planner pairs each question with every later staff message
     asked_in_ctx AS MATERIALIZED (
       SELECT w.class_id, w.asked_msgid, w.asked_at, w.conversation, asked.staff_seq
       FROM open_waits w
       JOIN ordered asked ON asked.class_id = w.class_id AND asked.conversation = w.conversation AND asked.msgid = w.asked_msgid
       WHERE w.asked_at >= $2),
     first_reply AS (
       -- asked before ctx begins: the conversation's first staff message in ctx
       SELECT w.class_id, w.asked_msgid, w.asked_at, r.msgid, r.from_id, r.msgtime
       FROM open_waits w JOIN replies r ON r.class_id = w.class_id AND r.conversation = w.conversation AND r.staff_seq = 1
       WHERE w.asked_at < $2
       UNION ALL
       -- asked inside ctx: the staff message after the question
       SELECT w.class_id, w.asked_msgid, w.asked_at, r.msgid, r.from_id, r.msgtime
       FROM asked_in_ctx w
       JOIN replies r ON r.class_id = w.class_id AND r.conversation = w.conversation AND r.staff_seq = w.staff_seq + 1)
     UPDATE dashboard.responses r
     SET reply_msgid = f.msgid, replied_by = f.from_id, replied_at = f.msgtime, wait_seconds = extract(epoch FROM f.msgtime - f.asked_at)::int
     FROM first_reply f
     WHERE r.class_id = f.class_id AND r.asked_msgid = f.asked_msgid AND r.reply_msgid IS DISTINCT FROM f.msgid`,
    [scope.since, scope.ctxStart],
  );
  return result.rowCount ?? 0;
}
