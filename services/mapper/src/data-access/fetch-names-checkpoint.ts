import { z } from 'zod';
import type { Queryable } from '@doitcrm/kit';

/**
 * How far a nickname job got, kept in its own `ops.jobs.result` while it runs: a redelivered job (the worker died,
 * RabbitMQ handed the message to another) continues after `afterId` with the counts so far, instead of asking
 * WeCom again for everything. The finished job's result replaces it.
 */
export const fetchNamesCheckpointSchema = z.object({
  /** every identity of the walk with an id up to this one has been handled and written */
  afterId: z.number().int().min(0),
  /** identities the walk matched when it began */
  total: z.number().int().min(0),
  resolved: z.number().int().min(0),
  unresolvable: z.number().int().min(0),
  failed: z.number().int().min(0),
  unresolvableSamples: z.array(z.object({ originalId: z.string(), reason: z.string() })),
});
export type FetchNamesCheckpoint = z.infer<typeof fetchNamesCheckpointSchema>;

const storedSchema = z.object({ checkpoint: fetchNamesCheckpointSchema });

export type JobCheckpointState =
  | { running: true; checkpoint: FetchNamesCheckpoint | null }
  | { running: false };

/** The job's checkpoint, or that the job is not running (finished, cancelled, or no such job). */
export async function readFetchNamesCheckpoint(db: Queryable, jobId: string): Promise<JobCheckpointState> {
  const { rows } = await db.query<{ status: string; result: unknown }>('SELECT status, result FROM ops.jobs WHERE id = $1', [jobId]);
  const row = rows[0];
  if (!row || row.status !== 'running') return { running: false };
  const stored = storedSchema.safeParse(row.result);
  return { running: true, checkpoint: stored.success ? stored.data.checkpoint : null };
}

/** Saves the checkpoint; false when the job is no longer running (cancelled or finished meanwhile). */
export async function saveFetchNamesCheckpoint(db: Queryable, jobId: string, checkpoint: FetchNamesCheckpoint): Promise<boolean> {
  const result = await db.query(
    `UPDATE ops.jobs SET result = $2, updated_at = now() WHERE id = $1 AND status = 'running'`,
    [jobId, JSON.stringify({ checkpoint })],
  );
  return (result.rowCount ?? 0) > 0;
}
