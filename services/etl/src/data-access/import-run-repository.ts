import { toIso, type Queryable } from '@doitcrm/kit';
import type { ImportRun, Page, QuarantineItem, RunOrigin } from '../contract.ts';

export type { ImportRun, RunOrigin };

interface RunRow {
  id: number;
  source: string;
  origin: RunOrigin;
  conflict_mode: 'skip' | 'update';
  status: ImportRun['status'];
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  duplicates_in_file: number;
  min_msgtime: Date | null;
  max_msgtime: Date | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  job_id: string | null;
  started_by: number | null;
  started_by_name?: string | null;
  bytes_total: number | null;
  has_report?: boolean;
}

function toRun(row: RunRow): ImportRun {
  return {
    id: row.id,
    source: row.source,
    origin: row.origin,
    conflictMode: row.conflict_mode,
    status: row.status,
    lines: row.lines,
    inserted: row.inserted,
    updated: row.updated,
    unchanged: row.unchanged,
    quarantined: row.quarantined,
    duplicatesInFile: row.duplicates_in_file,
    minMsgtime: toIso(row.min_msgtime),
    maxMsgtime: toIso(row.max_msgtime),
    error: row.error,
    startedAt: row.started_at.toISOString(),
    finishedAt: toIso(row.finished_at),
    durationMs: row.duration_ms,
    jobId: row.job_id,
    startedBy: row.started_by,
    startedByName: row.started_by_name ?? null,
    bytesTotal: row.bytes_total,
    hasReport: row.has_report ?? false,
  };
}

export interface InterruptedRun {
  id: number;
  inserted: number;
  updated: number;
  minMsgtime: Date | null;
  maxMsgtime: Date | null;
}

/**
 * Ends the runs that will never finish, instead of showing them running forever: those that stopped beating
 * (their process died: kill -9, host crash), and at once those of a job being run again (a job runs on one worker
 * at a time, so its earlier run's worker is gone). Returns what each had committed, for its announcement.
 */
export async function markInterruptedRuns(db: Queryable, options: { jobId?: string | null; staleAfterSeconds?: number } = {}): Promise<InterruptedRun[]> {
  const { rows } = await db.query<{ id: number; inserted: number; updated: number; min_msgtime: Date | null; max_msgtime: Date | null }>(
    `UPDATE chat.import_runs SET status = 'failed', finished_at = heartbeat_at,
       error = '中断：导入进程停止（已提交的部分保留，重新导入即可补齐） interrupted; committed chunks are kept, run the import again'
     WHERE status = 'running' AND (heartbeat_at < now() - make_interval(secs => $1) OR job_id = $2::uuid)
     RETURNING id, inserted, updated, min_msgtime, max_msgtime`,
    [options.staleAfterSeconds ?? 300, options.jobId ?? null],
  );
  return rows.map((row) => ({ id: row.id, inserted: row.inserted, updated: row.updated, minMsgtime: row.min_msgtime, maxMsgtime: row.max_msgtime }));
}

export async function createRun(db: Queryable, run: { source: string; origin: RunOrigin; conflictMode: 'skip' | 'update'; jobId?: string | null; startedBy?: number | null; bytesTotal?: number | null }): Promise<ImportRun> {
  const { rows } = await db.query<RunRow>(
    `INSERT INTO chat.import_runs (source, origin, conflict_mode, job_id, started_by, bytes_total) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *, report IS NOT NULL AS has_report`,
    [run.source, run.origin, run.conflictMode, run.jobId ?? null, run.startedBy ?? null, run.bytesTotal ?? null],
  );
  return toRun(rows[0]!);
}

export async function finishRun(db: Queryable, id: number, outcome: { status: 'succeeded' | 'failed'; error?: string | null }): Promise<ImportRun> {
  const { rows } = await db.query<RunRow>(
    `UPDATE chat.import_runs SET status = $2, error = $3, finished_at = now(),
       duration_ms = (extract(epoch FROM now() - started_at) * 1000)::bigint, heartbeat_at = now()
     WHERE id = $1 RETURNING *, report IS NOT NULL AS has_report`,
    [id, outcome.status, outcome.error ?? null],
  );
  return toRun(rows[0]!);
}

// who started a run is shown by name, not by user id
const SELECT_RUNS = `SELECT r.id, r.source, r.origin, r.conflict_mode, r.status, r.lines, r.inserted, r.updated, r.unchanged, r.quarantined,
    r.duplicates_in_file, r.min_msgtime, r.max_msgtime, r.error, r.started_at, r.finished_at, r.duration_ms, r.job_id, r.started_by, r.bytes_total,
    r.report IS NOT NULL AS has_report, u.coalesce_name AS started_by_name
  FROM chat.import_runs r
  LEFT JOIN LATERAL (SELECT coalesce(display_name, username) AS coalesce_name FROM auth.users WHERE id = r.started_by) u ON true`;

export async function findRun(db: Queryable, id: number): Promise<ImportRun | null> {
  const { rows } = await db.query<RunRow>(`${SELECT_RUNS} WHERE r.id = $1`, [id]);
  return rows[0] ? toRun(rows[0]) : null;
}

/** Newest first, keyset on id. */
export async function listRuns(db: Queryable, page: { limit: number; before?: number }): Promise<Page<ImportRun>> {
  const { rows } = await db.query<RunRow>(
    `${SELECT_RUNS} WHERE ($1::bigint IS NULL OR r.id < $1) ORDER BY r.id DESC LIMIT $2`,
    [page.before ?? null, page.limit + 1],
  );
  const items = rows.slice(0, page.limit).map(toRun);
  return { items, nextCursor: rows.length > page.limit ? items[items.length - 1]!.id : null };
}

export async function listQuarantine(db: Queryable, runId: number, page: { limit: number; afterLine?: number }): Promise<Page<QuarantineItem>> {
  const { rows } = await db.query<{ line_no: number; reason: string; raw_text: string }>(
    `SELECT line_no, reason, raw_text FROM chat.quarantine WHERE run_id = $1 AND ($2::bigint IS NULL OR line_no > $2)
     ORDER BY line_no LIMIT $3`,
    [runId, page.afterLine ?? null, page.limit + 1],
  );
  const items = rows.slice(0, page.limit).map((row) => ({ lineNo: row.line_no, reason: row.reason, rawText: row.raw_text }));
  return { items, nextCursor: rows.length > page.limit ? items[items.length - 1]!.lineNo : null };
}

/** The report a migration from an original DoitCRM database kept on its run (null for archive files). */
export async function findRunReport(db: Queryable, id: number): Promise<unknown> {
  const { rows } = await db.query<{ report: unknown }>('SELECT report FROM chat.import_runs WHERE id = $1', [id]);
  return rows[0]?.report ?? null;
}

export async function saveRunReport(db: Queryable, id: number, report: unknown): Promise<void> {
  await db.query('UPDATE chat.import_runs SET report = $2 WHERE id = $1', [id, JSON.stringify(report)]);
}
