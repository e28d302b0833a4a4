import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { etlConfigShape } from '../src/config.ts';
import { MessageWriter } from '../src/data-access/message-writer.ts';
import { createRun } from '../src/data-access/import-run-repository.ts';
import { linkAcrossChunks } from '../src/data-access/recall-linker.ts';
import { buildChunk } from '../src/domain/chunk-builder.ts';
import { encodeChunk } from '../src/domain/chunk-encoder.ts';
import { importArchive } from '../src/domain/import-archive.ts';
import { buildTextRecord, manyTextRecords, writeArchive } from './archive-factory.ts';

const t = useTestService('etl', etlConfigShape);

const revokeOf = (msgid: unknown) => buildTextRecord({ action: 'recall', msgtype: 'revoke', text: undefined, revoke: { pre_msgid: msgid } });

async function stored(msgids: unknown[]) {
  const { rows } = await t.context.pool.query<{ msgid: string; content: string; recalled_by: string | null }>(
    `SELECT msgid, payload->>'content' AS content, recalled_by FROM chat.messages WHERE msgid = ANY($1::text[]) ORDER BY msgid`, [msgids]);
  return rows;
}

describe('an import written on several lanes', () => {
  it('when a file is imported on two lanes and on one, then both store the same rows, keep the first of a repeated msgid and link every recall', async () => {
    // the same shape twice (distinct msgids): a msgid repeated in the next chunk, recalls pointing across chunks
    const shape = () => {
      const records = manyTextRecords(60);
      records[13] = { ...records[4]!, text: { content: 'a later copy' } };
      records[25] = revokeOf(records[32]!.msgid);
      records[45] = revokeOf(records[38]!.msgid);
      return records;
    };
    const imported = [];
    for (const lanes of [1, 2]) {
      const records = shape();
      const summary = await importArchive(
        { filePath: writeArchive(records), conflict: 'skip', origin: 'cli', batchSize: 10, lanes, databaseUrl: t.context.config.DATABASE_URL }, t.context);
      const rows = await stored(records.map((record) => record.msgid));
      imported.push({
        summary: { inserted: summary.inserted, duplicatesInFile: summary.duplicatesInFile, unchanged: summary.unchanged },
        repeated: rows.find((row) => row.msgid === records[4]!.msgid)?.content,
        recalled: [records[32], records[38]].map((record) => rows.find((row) => row.msgid === record!.msgid)?.recalled_by),
        revokes: [records[25]!.msgid, records[45]!.msgid],
        count: rows.length,
      });
    }

    // a repeat in a later chunk is caught by the database and counted unchanged, on one lane as on two
    expect(imported[1]!.summary).toEqual(imported[0]!.summary);
    for (const result of imported) {
      expect(result.summary).toEqual({ inserted: 59, duplicatesInFile: 0, unchanged: 1 });
      expect(result.repeated).not.toBe('a later copy');
      expect(result.recalled).toEqual(result.revokes);
      expect(result.count).toBe(59);
    }
  });

  it('when a revoke and its message are written at once in two chunks, then the message is marked once both are committed', async () => {
    const run = await createRun(t.context.pool, { source: 'lanes.jsonl', origin: 'cli', conflictMode: 'skip' });
    const message = buildTextRecord();
    const revoke = revokeOf(message.msgid);
    const encode = (records: Array<Record<string, unknown>>, firstLineNo: number) =>
      encodeChunk(buildChunk(records.map((record) => JSON.stringify(record)), firstLineNo, 'skip', new Set()), 0, run.id);
    const withRevoke = encode([revoke, buildTextRecord()], 1);
    const withMessage = encode([message, buildTextRecord()], 3);
    const writers = [0, 1].map(() => new MessageWriter(t.context.pool, run.id, 'lanes.jsonl', 'skip'));

    await Promise.all([writers[0]!.writeChunk(withRevoke), writers[1]!.writeChunk(withMessage)]);
    await linkAcrossChunks(t.context.pool, withMessage, [withRevoke]);
    for (const writer of writers) writer.close();

    expect((await stored([message.msgid]))[0]!.recalled_by).toBe(revoke.msgid);
    const { rows } = await t.context.pool.query('SELECT 1 FROM chat.pending_recalls WHERE target_msgid = $1', [message.msgid]);
    expect(rows).toEqual([]);
  });

  it('when an import died between writing two chunks at once and linking them, then the next import links the waiting recall first', async () => {
    const message = buildTextRecord();
    const revoke = revokeOf(message.msgid);
    const left = await importArchive(
      { filePath: writeArchive([message, revoke]), conflict: 'skip', origin: 'cli', databaseUrl: t.context.config.DATABASE_URL }, t.context);
    // what the dead import left: both rows stored, the revoke still waiting, the message unmarked
    await t.context.pool.query('UPDATE chat.messages SET recalled_by = NULL WHERE msgid = $1', [message.msgid]);
    await t.context.pool.query('INSERT INTO chat.pending_recalls (target_msgid, revoke_msgid) VALUES ($1, $2)', [message.msgid, revoke.msgid]);

    await importArchive({ filePath: writeArchive([buildTextRecord()]), conflict: 'skip', origin: 'cli', databaseUrl: t.context.config.DATABASE_URL }, t.context);

    expect(left.inserted).toBe(2);
    expect((await stored([message.msgid]))[0]!.recalled_by).toBe(revoke.msgid);
  });

  it('when the pool holds only two connections, then a two-lane import with recalls across chunks still completes', async () => {
    const records = manyTextRecords(40);
    records[15] = revokeOf(records[22]!.msgid);
    const pool = new pg.Pool({ connectionString: t.context.config.DATABASE_URL, max: 2 });
    try {
      const summary = await importArchive(
        { filePath: writeArchive(records), conflict: 'skip', origin: 'cli', batchSize: 5, lanes: 2, databaseUrl: t.context.config.DATABASE_URL },
        { pool, logger: t.context.logger });

      expect(summary.inserted).toBe(40);
      expect((await stored([records[22]!.msgid]))[0]!.recalled_by).toBe(records[15]!.msgid);
    } finally {
      await pool.end();
    }
  });
});
