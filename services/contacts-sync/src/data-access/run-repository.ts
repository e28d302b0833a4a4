import { toIso, type Queryable } from '@doitcrm/kit';

export type SyncMode = 'full' | 'incremental';
export type RunState = 'queued' | 'running' | 'succeeded' | 'failed' | 'abandoned';

/**
 * Where a pass is: the stage, and from the relations stage on the pass's own member list, its batch size and the
 * batches done — all three fixed at the start of the pass, so a resume cuts the same batches whatever the settings say now.
 */
type BatchPosition = { members: string[]; batchSize: number; batchesDone: number };
export type Checkpoint =
  | { stage: 'staff' }
  | ({ stage: 'relations' } & BatchPosition)
  | ({ stage: 'groups' } & BatchPosition)
  | ({ stage: 'finalize' } & BatchPosition);

/** the run's counters (domain/run-counters.ts), stored as they are */
export type Counters = object;

export interface SyncRun {
  id: number;
  jobId: string | null;
  mode: SyncMode;
  pass: number;
  state: RunState;
  checkpoint: Checkpoint;
  counters: Counters;
  error: string | null;
  resumedFrom: number | null;
  passComplete: boolean;
  createdBy: number | null;
  createdAt: string;
  startedAt: string | null;
  heartbeatAt: string | null;
  finishedAt: string | null;
}

interface RunRow {
  id: string; job_id: string | null; mode: SyncMode; pass: string; state: RunState; checkpoint: Checkpoint | null; counters: Counters;
  error: string | null; resumed_from: string | null; pass_complete: boolean; created_by: string | null; created_at: Date;
  started_at: Date | null; heartbeat_at: Date | null; finished_at: Date | null;
}

const toRun = (row: RunRow): SyncRun => ({
  id: Number(row.id), jobId: row.job_id, mode: row.mode, pass: Number(row.pass), state: row.state, checkpoint: row.checkpoint ?? { stage: 'staff' },
  counters: row.counters, error: row.error, resumedFrom: row.resumed_from === null ? null : Number(row.resumed_from), passComplete: row.pass_complete,
  createdBy: row.created_by === null ? null : Number(row.created_by), createdAt: row.created_at.toISOString(), startedAt: toIso(row.started_at),
  heartbeatAt: toIso(row.heartbeat_at), finishedAt: toIso(row.finished_at),
});

/**
 * A new run. It resumes the pass of the run just before it when that one stopped midway (failed or abandoned, same
 * mode, pass not complete), taking its pass number and checkpoint; nothing ran in between, so what that pass parked
 * as missing is still true. Otherwise it opens a new pass and drops the parked candidates of passes that never
 * completed (their view of what is missing is stale). The unique index on active runs makes a second concurrent
 * insert fail (23505): the caller answers 409.
 */
export async function insertRun(db: Queryable, run: { mode: SyncMode; jobId: string | null; createdBy: number | null; state?: RunState }): Promise<SyncRun> {
  const { rows: last } = await db.query<RunRow>('SELECT * FROM contacts.sync_runs ORDER BY id DESC LIMIT 1');
  const previous = last[0];
  const resumable = previous && !previous.pass_complete && (previous.state === 'failed' || previous.state === 'abandoned')
    && previous.mode === run.mode && previous.checkpoint !== null && previous.checkpoint.stage !== 'staff';
  if (!resumable) await db.query('DELETE FROM contacts.lost_candidates');
  const { rows } = await db.query<RunRow>(
    `INSERT INTO contacts.sync_runs (job_id, mode, pass, state, checkpoint, resumed_from, created_by)
     VALUES ($1, $2, coalesce($3::bigint, nextval('contacts.pass_seq')), $4, $5, $6, $7) RETURNING *`,
    [run.jobId, run.mode, resumable ? previous.pass : null, run.state ?? 'queued', JSON.stringify(resumable ? previous.checkpoint : { stage: 'staff' }),
      resumable ? previous.id : null, run.createdBy],
  );
  return toRun(rows[0]!);
}

export async function findRun(db: Queryable, id: number): Promise<SyncRun | null> {
  const { rows } = await db.query<RunRow>('SELECT * FROM contacts.sync_runs WHERE id = $1', [id]);
  return rows[0] ? toRun(rows[0]) : null;
}

export async function activeRun(db: Queryable): Promise<SyncRun | null> {
  const { rows } = await db.query<RunRow>("SELECT * FROM contacts.sync_runs WHERE state IN ('queued', 'running')");
  return rows[0] ? toRun(rows[0]) : null;
}

export async function recentRuns(db: Queryable, limit: number): Promise<SyncRun[]> {
  const { rows } = await db.query<RunRow>('SELECT * FROM contacts.sync_runs ORDER BY id DESC LIMIT $1', [limit]);
  return rows.map(toRun);
}

export async function lastSucceededRun(db: Queryable): Promise<SyncRun | null> {
  const { rows } = await db.query<RunRow>("SELECT * FROM contacts.sync_runs WHERE state = 'succeeded' ORDER BY id DESC LIMIT 1");
  return rows[0] ? toRun(rows[0]) : null;
}

export async function markRunning(db: Queryable, id: number): Promise<void> {
  await db.query(
    `UPDATE contacts.sync_runs SET state = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now(), error = NULL, finished_at = NULL
     WHERE id = $1`, [id]);
}

/** The checkpoint and counters after a unit of work, in the transaction of that work. */
export async function saveProgress(db: Queryable, id: number, checkpoint: Checkpoint, counters: Counters): Promise<void> {
  await db.query('UPDATE contacts.sync_runs SET checkpoint = $2, counters = $3, heartbeat_at = now() WHERE id = $1',
    [id, JSON.stringify(checkpoint), JSON.stringify(counters)]);
}

/** `restartPass`: the pass's parked view is not to be trusted, so nothing resumes it (the next run opens a new pass). */
export async function finishRun(
  db: Queryable, id: number,
  outcome: { state: 'succeeded' | 'failed' | 'abandoned'; counters: Counters; error?: string | null; passComplete?: boolean; restartPass?: boolean },
): Promise<void> {
  await db.query(
    `UPDATE contacts.sync_runs SET state = $2, counters = $3, error = $4, pass_complete = pass_complete OR $5, finished_at = now(), heartbeat_at = now(),
       checkpoint = CASE WHEN $6 THEN '{"stage":"staff"}'::jsonb ELSE checkpoint END
     WHERE id = $1`,
    [id, outcome.state, JSON.stringify(outcome.counters), outcome.error ?? null, outcome.passComplete ?? false, outcome.restartPass ?? false]);
}

/** Fails a run that has not finished (a job that could not start it), keeping its counters and checkpoint. */
export async function failOpenRun(db: Queryable, id: number, error: string): Promise<void> {
  await db.query(
    `UPDATE contacts.sync_runs SET state = 'failed', error = $2, finished_at = now() WHERE id = $1 AND state IN ('queued', 'running')`, [id, error]);
}

/** A run that stopped without finishing (its process died): the next run may resume its pass. */
export async function abandonRun(db: Queryable, id: number): Promise<void> {
  await db.query(
    `UPDATE contacts.sync_runs SET state = 'abandoned', error = coalesce(error, '进程中断，已被新的同步取代 (process died; replaced by a forced run)'),
       finished_at = now() WHERE id = $1 AND state IN ('queued', 'running')`, [id]);
}

/** Whether a later run exists: a failed run redelivered after another took over its pass must not run again. */
export async function hasLaterRun(db: Queryable, id: number): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM contacts.sync_runs WHERE id > $1 LIMIT 1', [id]);
  return rows.length > 0;
}

/** Lost candidates parked so far by this pass, by kind. */
export async function parkedCounts(db: Queryable, pass: number): Promise<Record<string, number>> {
  const { rows } = await db.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM contacts.lost_candidates WHERE pass = $1 GROUP BY kind', [pass]);
  return Object.fromEntries(rows.map((row) => [row.kind, row.n]));
}
