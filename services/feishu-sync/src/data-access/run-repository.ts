import { NotFoundError, toIso, type Queryable } from '@doitcrm/kit';
import type { SyncPlan } from '../domain/plan-sync.ts';

export type RunState = 'queued' | 'running' | 'succeeded' | 'failed' | 'rolled_back';

/** What a run did (domain/run-sync.ts fills it as it goes). */
export interface RunCounters {
  studentsCreated?: number;
  studentsUpdated?: number;
  recordsCreated?: number;
  recordsSkipped?: number;
  linksWritten?: number;
  rowErrors?: number;
  deleted?: number;
  restored?: number;
  /** rollback: created records already gone from Feishu (deleted by hand, or the fake restarted), counted as deleted */
  alreadyGone?: number;
  /** rollback: changed students gone from Feishu, whose old cells could not be written back */
  notRestored?: number;
}

export interface SyncRun {
  id: number;
  /** null once upload retention deleted the file (the run keeps its name and row count) */
  uploadId: number | null;
  fileName: string | null;
  totalRows: number | null;
  jobId: string | null;
  /** the latest rollback job, if one was asked for */
  rollbackJobId: string | null;
  state: RunState;
  plan: SyncPlan | null;
  counters: RunCounters;
  error: string | null;
  calls: number;
  createdBy: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  rolledBackAt: string | null;
}

interface RunRow {
  id: string; upload_id: string | null; file_name: string | null; total_rows: number | null; job_id: string | null; rollback_job_id: string | null; state: RunState; plan: SyncPlan | null; counters: RunCounters; error: string | null;
  calls: number; created_by: string | null; created_at: Date; started_at: Date | null; finished_at: Date | null; rolled_back_at: Date | null;
}

const toRun = (row: RunRow): SyncRun => ({
  id: Number(row.id), uploadId: row.upload_id === null ? null : Number(row.upload_id), fileName: row.file_name, totalRows: row.total_rows, jobId: row.job_id, rollbackJobId: row.rollback_job_id, state: row.state, plan: row.plan, counters: row.counters,
  error: row.error, calls: row.calls, createdBy: row.created_by === null ? null : Number(row.created_by), createdAt: toIso(row.created_at)!,
  startedAt: toIso(row.started_at), finishedAt: toIso(row.finished_at), rolledBackAt: toIso(row.rolled_back_at),
});

/** The file's name and row count are copied onto the run: the history names the file after retention deleted it. */
export async function insertRun(db: Queryable, run: { uploadId: number; jobId: string | null; createdBy: number | null }): Promise<SyncRun> {
  const { rows } = await db.query<RunRow>(
    `INSERT INTO feishu.runs (upload_id, job_id, created_by, file_name, total_rows)
     SELECT u.id, $2, $3, u.file_name, u.total_rows FROM feishu.uploads u WHERE u.id = $1 RETURNING *`,
    [run.uploadId, run.jobId, run.createdBy],
  );
  // retention may delete the upload between the route's check and this insert
  if (!rows[0]) throw new NotFoundError(`没有这个上传文件（${run.uploadId}）`);
  return toRun(rows[0]!);
}

export async function findRun(db: Queryable, id: number): Promise<SyncRun | null> {
  const { rows } = await db.query<RunRow>('SELECT * FROM feishu.runs WHERE id = $1', [id]);
  return rows[0] ? toRun(rows[0]) : null;
}

/** The history without plans (a plan holds every row of the export). */
export async function listRuns(db: Queryable, limit: number): Promise<SyncRun[]> {
  const { rows } = await db.query<RunRow>(`SELECT id, upload_id, file_name, total_rows, job_id, rollback_job_id, state, NULL::jsonb AS plan, counters, error, calls, created_by, created_at, started_at, finished_at, rolled_back_at
     FROM feishu.runs ORDER BY id DESC LIMIT $1`, [limit]);
  return rows.map(toRun);
}

export async function startRun(db: Queryable, id: number): Promise<void> {
  await db.query("UPDATE feishu.runs SET state = 'running', error = NULL, started_at = coalesce(started_at, now()) WHERE id = $1", [id]);
}

/** Keeps the run's plan unless it has one already; false when it had (the stored plan is the one to follow). */
export async function savePlan(db: Queryable, id: number, plan: SyncPlan): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE feishu.runs SET plan = $2 WHERE id = $1 AND plan IS NULL', [id, JSON.stringify(plan)]);
  return rowCount === 1;
}

/** Counters and calls as they stand (calls add up over the attempts of a resumed run). */
export async function saveProgress(db: Queryable, id: number, counters: RunCounters, calls: number): Promise<void> {
  await db.query('UPDATE feishu.runs SET counters = counters || $2, calls = calls + $3 WHERE id = $1', [id, JSON.stringify(counters), calls]);
}

export async function finishRun(db: Queryable, id: number, outcome: { state: 'succeeded' | 'failed' | 'rolled_back'; error?: string | null }): Promise<void> {
  await db.query(
    `UPDATE feishu.runs SET state = $2, error = $3,
       finished_at = CASE WHEN $2 = 'rolled_back' THEN finished_at ELSE now() END,
       rolled_back_at = CASE WHEN $2 = 'rolled_back' THEN now() ELSE rolled_back_at END
     WHERE id = $1`,
    [id, outcome.state, outcome.error ?? null],
  );
}

/** A run no worker will finish (its job was not queued, or failed for good). */
export async function failOpenRun(db: Queryable, id: number, reason: string): Promise<void> {
  await db.query("UPDATE feishu.runs SET state = 'failed', error = $2, finished_at = now() WHERE id = $1 AND state IN ('queued', 'running')", [id, reason]);
}

/** A later run that wrote to Feishu and is not rolled back: its link cells were built on this run's, so it goes first. */
export async function laterRunWithWrites(db: Queryable, id: number): Promise<number | null> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT r.id FROM feishu.runs r WHERE r.id > $1 AND r.state <> 'rolled_back'
       AND (EXISTS (SELECT 1 FROM feishu.created_records c WHERE c.run_id = r.id) OR EXISTS (SELECT 1 FROM feishu.changed_records c WHERE c.run_id = r.id))
     ORDER BY r.id DESC LIMIT 1`,
    [id],
  );
  return rows[0] ? Number(rows[0].id) : null;
}

/** Names the run's rollback job unless one is still queued or running; false then. */
export async function claimRollbackJob(db: Queryable, id: number, jobId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE feishu.runs r SET rollback_job_id = $2 WHERE r.id = $1
       AND NOT EXISTS (SELECT 1 FROM ops.jobs j WHERE j.id = r.rollback_job_id AND j.status IN ('queued', 'running'))`,
    [id, jobId],
  );
  return rowCount === 1;
}
