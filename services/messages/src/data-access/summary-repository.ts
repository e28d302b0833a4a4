import type { CozeChatRef } from '@doitcrm/coze';
import type { Queryable } from '@doitcrm/kit';
import type { SummaryMode, SummaryRecord, SummaryStatus } from '../contract.ts';

interface SummaryRow {
  id: number;
  job_id: string | null;
  mode: SummaryMode;
  subject_ids: string[];
  subject_names: string[];
  window_start: Date;
  window_end: Date;
  max_per_person: number;
  message_count: number | null;
  bot_id: string;
  status: SummaryStatus;
  summary: string | null;
  error: string | null;
  duration_ms: number | null;
  created_by: number | null;
  created_at: Date;
  finished_at: Date | null;
}

function toRecord(row: SummaryRow): SummaryRecord {
  return {
    id: row.id, jobId: row.job_id, mode: row.mode, subjectIds: row.subject_ids, subjectNames: row.subject_names,
    windowStart: row.window_start.toISOString(), windowEnd: row.window_end.toISOString(), maxPerPerson: row.max_per_person,
    messageCount: row.message_count, botId: row.bot_id, status: row.status, summary: row.summary, error: row.error,
    durationMs: row.duration_ms, createdBy: row.created_by, createdAt: row.created_at.toISOString(), finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

export interface NewSummary {
  jobId: string;
  mode: SummaryMode;
  subjectIds: string[];
  subjectNames: string[];
  windowStart: Date;
  windowEnd: Date;
  maxPerPerson: number;
  botId: string;
  createdBy: number | null;
}

export async function insertSummary(db: Queryable, summary: NewSummary): Promise<SummaryRecord> {
  const { rows } = await db.query<SummaryRow>(
    `INSERT INTO insight.summaries (job_id, mode, subject_ids, subject_names, window_start, window_end, max_per_person, bot_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [summary.jobId, summary.mode, summary.subjectIds, summary.subjectNames, summary.windowStart, summary.windowEnd,
      summary.maxPerPerson, summary.botId, summary.createdBy]);
  return toRecord(rows[0]!);
}

export async function findSummary(db: Queryable, id: number): Promise<SummaryRecord | null> {
  const { rows } = await db.query<SummaryRow>('SELECT * FROM insight.summaries WHERE id = $1', [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** History, newest first; with a person, only summaries that included them. */
export async function listSummaries(db: Queryable, query: { personId?: string; limit: number }): Promise<SummaryRecord[]> {
  const { rows } = await db.query<SummaryRow>(
    `SELECT * FROM insight.summaries WHERE ($1::text IS NULL OR subject_ids @> ARRAY[$1::text])
     ORDER BY created_at DESC, id DESC LIMIT $2`, [query.personId ?? null, query.limit]);
  return rows.map(toRecord);
}

export async function markSummaryRunning(db: Queryable, id: number, messageCount: number): Promise<void> {
  await db.query("UPDATE insight.summaries SET status = 'running', message_count = $2 WHERE id = $1", [id, messageCount]);
}

/** The text so far while the bot writes: it lives here, behind the audited summary routes, and never in the job row. */
export async function updateSummaryText(db: Queryable, id: number, text: string): Promise<void> {
  await db.query("UPDATE insight.summaries SET summary = $2 WHERE id = $1 AND status = 'running'", [id, text]);
}

export async function finishSummary(
  db: Queryable, id: number, outcome: { status: 'succeeded' | 'failed'; summary?: string; error?: string; durationMs?: number; messageCount?: number },
): Promise<void> {
  await db.query(
    `UPDATE insight.summaries SET status = $2, summary = $3, error = $4, duration_ms = $5,
       message_count = coalesce($6, message_count), finished_at = now() WHERE id = $1`,
    [id, outcome.status, outcome.summary ?? null, outcome.error ?? null, outcome.durationMs ?? null, outcome.messageCount ?? null]);
}

/** Remembers the Coze chat a summary opened (replacing one an earlier attempt opened): it is paid for from here on. */
export async function saveCozeChat(db: Queryable, id: number, chat: CozeChatRef): Promise<void> {
  await db.query('UPDATE insight.summaries SET coze_conversation_id = $2, coze_chat_id = $3 WHERE id = $1', [id, chat.conversationId, chat.chatId]);
}

/** The Coze chat an earlier attempt at this summary opened, if any (internal: not part of the API's record). */
export async function findCozeChat(db: Queryable, id: number): Promise<CozeChatRef | null> {
  const { rows } = await db.query<{ coze_conversation_id: string | null; coze_chat_id: string | null }>(
    'SELECT coze_conversation_id, coze_chat_id FROM insight.summaries WHERE id = $1', [id]);
  const row = rows[0];
  return row?.coze_conversation_id && row.coze_chat_id ? { conversationId: row.coze_conversation_id, chatId: row.coze_chat_id } : null;
}
