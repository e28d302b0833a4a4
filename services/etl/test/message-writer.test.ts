import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@doitcrm/kit/testing';
import { MessageWriter } from '../src/data-access/message-writer.ts';
import { createRun } from '../src/data-access/import-run-repository.ts';
import { buildChunk } from '../src/domain/chunk-builder.ts';
import { encodeChunk } from '../src/domain/chunk-encoder.ts';
import { buildTextRecord } from './archive-factory.ts';

const db = useTestDatabase({ max: 3 });

async function writerFor(conflict: 'skip' | 'update') {
  const run = await createRun(db.pool, { source: 'writer-test.jsonl', origin: 'cli', conflictMode: conflict });
  return { run, writer: new MessageWriter(db.pool, run.id, 'writer-test.jsonl', conflict) };
}

function chunkOf(records: Array<Record<string, unknown>>, firstLineNo: number, runId: number, corrupt?: (copyLine: string, index: number) => string) {
  const chunk = encodeChunk(buildChunk(records.map((record) => JSON.stringify(record)), firstLineNo, 'skip', new Set()), 0, runId);
  if (!corrupt) return chunk;
  const lines = new TextDecoder().decode(chunk.copyText).split('\n').slice(0, -1).map(corrupt);
  return { ...chunk, copyText: new TextEncoder().encode(`${lines.join('\n')}\n`) };
}

describe('MessageWriter', () => {
  it('when PostgreSQL refuses one row of a chunk, then that row alone is quarantined with its line number and the rest load', async () => {
    const { run, writer } = await writerFor('skip');
    const records = Array.from({ length: 9 }, () => buildTextRecord());
    // a payload that is not JSON can only come from a bug upstream; the database is the last line of defence
    const chunk = chunkOf(records, 100, run.id, (line, index) => (index === 6 ? line.replace(/\t\{"content"[^\t]*\t/, '\t{broken\t') : line));

    const counts = await writer.writeChunk(chunk);
    writer.close();

    expect(counts).toMatchObject({ inserted: 8, quarantined: 1, unchanged: 0 });
    const { rows: quarantined } = await db.pool.query('SELECT line_no, reason, raw_text FROM chat.quarantine WHERE run_id = $1', [run.id]);
    expect(quarantined).toHaveLength(1);
    expect(Number(quarantined[0].line_no)).toBe(106);
    expect(quarantined[0].reason).toMatch(/数据库拒绝/);
    expect(JSON.parse(quarantined[0].raw_text).msgid).toBe(records[6]!.msgid);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM chat.messages WHERE msgid = ANY($1)', [records.map((record) => record.msgid)]);
    expect(rows[0].n).toBe(8);
  });

  it('when a chunk holds msgids stored by an earlier chunk, then the direct COPY falls back to the merge and counts them unchanged', async () => {
    const { run, writer } = await writerFor('skip');
    const first = Array.from({ length: 5 }, () => buildTextRecord());
    const second = [first[2]!, buildTextRecord(), buildTextRecord()];

    const a = await writer.writeChunk(chunkOf(first, 1, run.id));
    const b = await writer.writeChunk(chunkOf(second, 6, run.id));
    writer.close();

    expect(a).toMatchObject({ inserted: 5, unchanged: 0 });
    expect(b).toMatchObject({ inserted: 2, unchanged: 1 });
    const { rows } = await db.pool.query('SELECT inserted, unchanged, lines FROM chat.import_runs WHERE id = $1', [run.id]);
    expect(rows[0]).toEqual({ inserted: 7, unchanged: 1, lines: 8 });
  });
});
