import { describe, expect, it } from 'vitest';
import { insertJob } from '@doitcrm/kit';
import { useTestService } from '@doitcrm/kit/testing';
import { etlConfigShape } from '../src/config.ts';
import { createRun } from '../src/data-access/import-run-repository.ts';
import { importArchive } from '../src/domain/import-archive.ts';
import { lineLimits } from '../src/domain/line-limits.ts';
import { buildTextRecord, manyTextRecords, writeArchive } from './archive-factory.ts';

const t = useTestService('etl', etlConfigShape);

interface IngestedRow { run_id: number; inserted: number; min_msgtime: string | null; max_msgtime: string | null }

async function announced(runIds: number[]): Promise<IngestedRow[]> {
  const { rows } = await t.context.pool.query<IngestedRow>(
    `SELECT (envelope->'payload'->>'runId')::bigint AS run_id, (envelope->'payload'->>'inserted')::int AS inserted,
            envelope->'payload'->>'minMsgtime' AS min_msgtime, envelope->'payload'->>'maxMsgtime' AS max_msgtime
     FROM ops.outbox WHERE routing_key = 'chat.ingested' AND (envelope->'payload'->>'runId')::bigint = ANY($1::bigint[]) ORDER BY 1`,
    [runIds]);
  return rows;
}

/**
 * What a worker killed with kill -9 leaves: its run still 'running', its committed chunk's rows stored under its
 * run id, and the run's counters as the chunk's transaction wrote them.
 */
async function deadRunOfJob(jobId: string, records: Array<Record<string, unknown>>): Promise<number> {
  const run = await createRun(t.context.pool, { source: 'archive.jsonl', origin: 'upload', conflictMode: 'skip', jobId });
  const times = records.map((record) => new Date(record.msgtime as number));
  await t.context.pool.query(
    `INSERT INTO chat.messages (msgid, action, msgtype, msgtime, from_id, room_id, to_ids, payload, raw, import_run_id)
     SELECT m.msgid, 'send', 'text', m.msgtime, 'wmTESTPARENT0001', 'wrTESTROOM0001', ARRAY['TestTeacher'], '{}'::jsonb, '{}'::jsonb, $3
     FROM unnest($1::text[], $2::timestamptz[]) AS m (msgid, msgtime)`,
    [records.map((record) => record.msgid), times, run.id]);
  await t.context.pool.query(
    'UPDATE chat.import_runs SET inserted = $2, lines = $2, min_msgtime = $3, max_msgtime = $4 WHERE id = $1',
    [run.id, records.length, times[0], times[times.length - 1]]);
  return run.id;
}

describe('an import job run again after its worker died', () => {
  it('when the job is redelivered after a kill -9 mid-file, then the chunk the dead run committed is announced too, so the mapper and the dashboard see every row', async () => {
    const records = manyTextRecords(300);
    const job = await insertJob(t.context.pool, { type: 'etl.import' });
    const deadRunId = await deadRunOfJob(job.id, records.slice(0, 100));
    const file = writeArchive(records);

    const summary = await importArchive(
      { filePath: file, conflict: 'skip', origin: 'upload', jobId: job.id, databaseUrl: t.context.config.DATABASE_URL }, t.context);

    expect(summary).toMatchObject({ inserted: 200, unchanged: 100 });
    const events = await announced([deadRunId, summary.runId]);
    expect(events).toEqual([
      { run_id: deadRunId, inserted: 100, min_msgtime: new Date(records[0]!.msgtime as number).toISOString(), max_msgtime: new Date(records[99]!.msgtime as number).toISOString() },
      expect.objectContaining({ run_id: summary.runId, inserted: 200 }),
    ]);
    const { rows: [dead] } = await t.context.pool.query('SELECT status FROM chat.import_runs WHERE id = $1', [deadRunId]);
    expect(dead.status).toBe('failed');
  });

  it('when another job imports while a run of a different job is alive, then that live run is left running and not announced', async () => {
    const liveJob = await insertJob(t.context.pool, { type: 'etl.import' });
    const liveRunId = await deadRunOfJob(liveJob.id, manyTextRecords(10));
    const otherJob = await insertJob(t.context.pool, { type: 'etl.import' });

    await importArchive(
      { filePath: writeArchive(manyTextRecords(5)), conflict: 'skip', origin: 'upload', jobId: otherJob.id, databaseUrl: t.context.config.DATABASE_URL }, t.context);

    expect(await announced([liveRunId])).toEqual([]);
    const { rows: [live] } = await t.context.pool.query('SELECT status FROM chat.import_runs WHERE id = $1', [liveRunId]);
    expect(live.status).toBe('running');
  });

  it('when an import fails partway through a file after committing chunks, then the failed run announces what it kept, so the mapper and the dashboard see those rows', async () => {
    // 400 lines of ~4 KB: past a 1 MB decompressed limit near line 250, long after the first chunks of 20 committed
    const records = Array.from({ length: 400 }, (_, index) => buildTextRecord({ text: { content: `第${index}行 ${'家长留言'.repeat(340)}` } }));
    const file = writeArchive(records, 'archive.jsonl.gz');

    const failure = await importArchive(
      { filePath: file, conflict: 'skip', origin: 'cli', batchSize: 20, limits: lineLimits({ MAX_LINE_KB: 64, MAX_DECOMPRESSED_MB: 1 }), databaseUrl: t.context.config.DATABASE_URL },
      t.context).catch((error: unknown) => error);

    expect(String(failure)).toContain('已导入并保留');
    const { rows: [run] } = await t.context.pool.query<{ id: number; status: string; inserted: number }>(
      'SELECT id, status, inserted FROM chat.import_runs ORDER BY id DESC LIMIT 1');
    expect(run).toMatchObject({ status: 'failed' });
    expect(run!.inserted).toBeGreaterThanOrEqual(100);
    const { rows: [stored] } = await t.context.pool.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM chat.messages WHERE import_run_id = $1', [run!.id]);
    expect(stored!.count).toBe(run!.inserted);
    expect(await announced([run!.id])).toEqual([expect.objectContaining({ run_id: run!.id, inserted: run!.inserted })]);
  });
});
