import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db.ts';
import { toIso } from '../db.ts';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_JOB_STATUSES: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** What pages see of a job (JSON over `/api/jobs/:id` and its SSE stream). */
export interface JobSnapshot {
  id: string;
  type: string;
  status: JobStatus;
  params: Record<string, unknown>;
  progressDone: number;
  progressTotal: number | null;
  message: string | null;
  result: unknown;
  error: string | null;
  attempts: number;
  createdBy: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

interface JobRow {
  id: string;
  type: string;
  status: JobStatus;
  params: Record<string, unknown>;
  progress_done: number;
  progress_total: number | null;
  message: string | null;
  result: unknown;
  error: string | null;
  attempts: number;
  created_by: number | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

function toSnapshot(row: JobRow): JobSnapshot {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    params: row.params,
    progressDone: row.progress_done,
    progressTotal: row.progress_total,
    message: row.message,
    result: row.result,
    error: row.error,
    attempts: row.attempts,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    startedAt: toIso(row.started_at),
    finishedAt: toIso(row.finished_at),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function insertJob(db: Queryable, job: { type: string; params?: Record<string, unknown>; createdBy?: number | null; id?: string }): Promise<JobSnapshot> {
  const { rows } = await db.query<JobRow>(
    `INSERT INTO ops.jobs (id, type, params, created_by) VALUES ($1, $2, $3, $4) RETURNING *`,
    [job.id ?? randomUUID(), job.type, JSON.stringify(job.params ?? {}), job.createdBy ?? null],
  );
  return toSnapshot(rows[0]!);
}

export async function findJob(db: Queryable, id: string): Promise<JobSnapshot | null> {
  const { rows } = await db.query<JobRow>('SELECT * FROM ops.jobs WHERE id = $1', [id]);
  return rows[0] ? toSnapshot(rows[0]) : null;
}

/** Newest first, of the given types; with `createdBy`, only the jobs that user started. */
export async function listJobs(db: Queryable, filter: { types: readonly string[]; createdBy?: number; limit: number }): Promise<JobSnapshot[]> {
  const { rows } = await db.query<JobRow>(
    `SELECT * FROM ops.jobs WHERE type = ANY($1::text[]) AND ($2::bigint IS NULL OR created_by = $2)
     ORDER BY created_at DESC LIMIT $3`,
    [filter.types, filter.createdBy ?? null, filter.limit],
  );
  return rows.map(toSnapshot);
}

/** Marks a job running; a redelivered job counts another attempt. Returns null when it is already finished. */
export async function markJobRunning(db: Queryable, id: string): Promise<JobSnapshot | null> {
  const { rows } = await db.query<JobRow>(
    `UPDATE ops.jobs SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now()
     WHERE id = $1 AND status IN ('queued', 'running') RETURNING *`,
    [id],
  );
  return rows[0] ? toSnapshot(rows[0]) : null;
}

export async function updateJobProgress(db: Queryable, id: string, progress: { done: number; total: number | null; message: string | null }): Promise<JobSnapshot | null> {
  const { rows } = await db.query<JobRow>(
    `UPDATE ops.jobs SET progress_done = $2, progress_total = $3, message = $4, updated_at = now()
     WHERE id = $1 AND status = 'running' RETURNING *`,
    [id, progress.done, progress.total, progress.message],
  );
  return rows[0] ? toSnapshot(rows[0]) : null;
}

export async function finishJob(db: Queryable, id: string, outcome: { status: 'succeeded' | 'failed' | 'cancelled'; result?: unknown; error?: string | null; message?: string | null }): Promise<JobSnapshot | null> {
  const { rows } = await db.query<JobRow>(
    `UPDATE ops.jobs SET status = $2, result = $3, error = $4, message = coalesce($5, message), finished_at = now(), updated_at = now(),
       progress_done = CASE WHEN $2 = 'succeeded' AND progress_total IS NOT NULL THEN progress_total ELSE progress_done END
     WHERE id = $1 AND status IN ('queued', 'running') RETURNING *`,
    [id, outcome.status, outcome.result === undefined ? null : JSON.stringify(outcome.result), outcome.error ?? null, outcome.message ?? null],
  );
  return rows[0] ? toSnapshot(rows[0]) : null;
}
