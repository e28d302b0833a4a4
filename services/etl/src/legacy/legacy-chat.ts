import type pg from 'pg';
import type { Pool, Queryable } from '@doitcrm/kit';
import { normaliseLine, type MessageRow } from '../domain/archive-record.ts';
import { encodeChunk, type EncodedChunk } from '../domain/chunk-encoder.ts';
import type { QuarantinedLine } from '../domain/quarantined-line.ts';
import { MessageWriter, type ChunkCounts } from '../data-access/message-writer.ts';
import { writeInOrder } from '../domain/parallel-writes.ts';
import type { ChatSchema, LegacySchema } from './legacy-source.ts';

interface LegacyChatRow {
  msgid: string;
  raw: string | null;
  action: string | null;
  msgtype: string | null;
  msgtime_ms: number | null;
  from_user_id: string | null;
  roomid: string | null;
  tolist: string[] | null;
  payload: string | null;
  created_ms: number | null;
}

/** One batch of an original chat table, ready for the ETL's writer. */
export interface LegacyChatBatch {
  schema: ChatSchema;
  chunk: EncodedChunk;
  rowsRead: number;
}

/**
 * Rows of one chat table in msgid order (keyset pages on its primary key). A table read after the other skips the
 * msgids the other holds: the same msgid in both schemas is one message.
 */
async function* chatPages(legacy: pg.Client, schema: LegacySchema, table: ChatSchema, pageSize: number): AsyncGenerator<LegacyChatRow[]> {
  const first = schema.chatTables[0];
  const skipOther = table !== first && first !== undefined ? `AND NOT EXISTS (SELECT 1 FROM ${first}.wecom_chat_logs o WHERE o.msgid = c.msgid)` : '';
  const created = schema.chatCreatedAtNaive[table] ? "c.created_at AT TIME ZONE 'Asia/Shanghai'" : 'c.created_at';
  // the columns are needed only to rebuild a record without raw_data; not sending them spares the original's server
  // converting every row's payload to text twice
  const orNull = (expression: string) => `CASE WHEN c.raw_data IS NULL THEN ${expression} END`;
  const sql = `SELECT c.msgid, c.raw_data::text AS raw, ${orNull('c.action')} AS action, ${orNull('c.msgtype')} AS msgtype,
      ${orNull('(extract(epoch FROM c.msgtime) * 1000)::float8')} AS msgtime_ms, ${orNull('c.from_user_id')} AS from_user_id, ${orNull('c.roomid')} AS roomid,
      ${orNull('c.tolist')} AS tolist, ${orNull('c.content_payload::text')} AS payload, (extract(epoch FROM ${created}) * 1000)::float8 AS created_ms
    FROM ${table}.wecom_chat_logs c WHERE c.msgid > $1 ${skipOther} ORDER BY c.msgid LIMIT $2`;
  // the next page is asked for before this one is handed on: the original's server reads it while this one is parsed
  // (a page still in flight when the reading stops early must not fail the process as an unhandled rejection)
  const ask = (after: string) => {
    const page = legacy.query<LegacyChatRow>(sql, [after, pageSize]);
    page.catch(() => {});
    return page;
  };
  let next = ask('');
  for (;;) {
    const { rows } = await next;
    if (rows.length === 0) return;
    const full = rows.length === pageSize;
    if (full) next = ask(rows[rows.length - 1]!.msgid);
    yield rows;
    if (!full) return;
  }
}

/**
 * The archive record of a row: its raw_data as the archive wrote it, so the body is derived again with this suite's
 * rules (the original kept docmsg, markdown and news bodies under the wrong key). A row without raw_data is rebuilt
 * from its columns.
 */
function recordText(row: LegacyChatRow): string {
  if (row.raw !== null) return row.raw;
  const record: Record<string, unknown> = {
    msgid: row.msgid, action: row.action, msgtype: row.msgtype, msgtime: row.msgtime_ms, from: row.from_user_id, roomid: row.roomid, tolist: row.tolist ?? [],
  };
  if (row.msgtype && row.payload !== null) record[row.msgtype] = JSON.parse(row.payload);
  return JSON.stringify(record);
}

/** Turns a page of legacy rows into a chunk; rows whose msgid is stored here already are counted unchanged. */
function chunkOf(rows: LegacyChatRow[], firstLineNo: number, known: ReadonlySet<string>, runId: number): EncodedChunk {
  const kept: MessageRow[] = [];
  const quarantined: QuarantinedLine[] = [];
  let knownUnchanged = 0;
  rows.forEach((row, index) => {
    const lineNo = firstLineNo + index;
    if (known.has(row.msgid)) {
      knownUnchanged += 1;
      return;
    }
    const text = recordText(row);
    const outcome = normaliseLine(text, lineNo);
    if (outcome.kind === 'row') {
      if (outcome.row.msgid !== row.msgid) {
        quarantined.push({ lineNo, seq: outcome.row.seq, reason: `raw_data 的 msgid（${outcome.row.msgid}）与 msgid 列（${row.msgid}）不一致 (raw_data msgid differs from the msgid column)`, rawText: text });
        return;
      }
      kept.push(row.created_ms === null ? outcome.row : { ...outcome.row, ingestedAtMs: Math.round(row.created_ms) });
    } else {
      quarantined.push({ lineNo, seq: outcome.kind === 'quarantine' ? outcome.seq ?? null : null, reason: outcome.kind === 'quarantine' ? outcome.reason : '空记录 (empty record)', rawText: text });
    }
  });
  return encodeChunk({ rows: kept, quarantined, lines: rows.length, duplicatesInFile: 0, knownUnchanged }, 0, runId);
}

async function storedMsgids(db: Queryable, msgids: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ msgid: string }>('SELECT msgid FROM chat.messages WHERE msgid = ANY($1::text[])', [msgids]);
  return new Set(rows.map((row) => row.msgid));
}

/** One chat table of the original, batch by batch, as the ETL writer takes them (line numbers count its rows). */
export async function* legacyChatBatches(
  legacy: pg.Client, schema: LegacySchema, table: ChatSchema, target: Queryable, runId: number, pageSize = 2_000,
): AsyncGenerator<LegacyChatBatch> {
  let lineNo = 1;
  for await (const rows of chatPages(legacy, schema, table, pageSize)) {
    const known = await storedMsgids(target, rows.map((row) => row.msgid));
    yield { schema: table, chunk: chunkOf(rows, lineNo, known, runId), rowsRead: rows.length };
    lineNo += rows.length;
  }
}

export const emptyChunkCounts = (): ChunkCounts => ({
  lines: 0, inserted: 0, updated: 0, unchanged: 0, quarantined: 0, duplicatesInFile: 0, minMsgtime: null, maxMsgtime: null,
});

function add(totals: ChunkCounts, counts: ChunkCounts): void {
  totals.lines += counts.lines;
  totals.inserted += counts.inserted;
  totals.unchanged += counts.unchanged;
  totals.quarantined += counts.quarantined;
  if (counts.minMsgtime && (!totals.minMsgtime || counts.minMsgtime < totals.minMsgtime)) totals.minMsgtime = counts.minMsgtime;
  if (counts.maxMsgtime && (!totals.maxMsgtime || counts.maxMsgtime > totals.maxMsgtime)) totals.maxMsgtime = counts.maxMsgtime;
}

/**
 * Loads the original's chat tables through the ETL's own writer (COPY, quarantine with the msgid's row and reason,
 * recall linking, the run's counters), on two connections at once like an archive file.
 */
export async function writeLegacyChat(
  legacy: pg.Client, schema: LegacySchema, pool: Pool, runId: number, onBatch: (totals: ChunkCounts) => void, lanes = 2,
): Promise<ChunkCounts> {
  const totals = emptyChunkCounts();
  for (const table of schema.chatTables) {
    const writers = Array.from({ length: lanes }, () => new MessageWriter(pool, runId, `${table}.wecom_chat_logs`, 'skip'));
    try {
      const chunks = (async function* () {
        for await (const batch of legacyChatBatches(legacy, schema, table, pool, runId)) yield batch.chunk;
      })();
      for await (const counts of writeInOrder(chunks, lanes, (chunk, lane) => writers[lane]!.writeChunk(chunk), (chunk, beside, lane) => writers[lane]!.linkAcross(chunk, beside))) {
        add(totals, counts);
        onBatch(totals);
      }
    } finally {
      for (const writer of writers) writer.close();
    }
  }
  return totals;
}

/** What a chat import would do, without writing: each row classified as the writer would (new, stored here already, quarantined). */
export async function previewLegacyChat(legacy: pg.Client, schema: LegacySchema, target: Queryable): Promise<{ counts: ChunkCounts; quarantined: Array<{ table: string; msgid: string; reason: string }> }> {
  const counts = emptyChunkCounts();
  const quarantined: Array<{ table: string; msgid: string; reason: string }> = [];
  for (const table of schema.chatTables) for await (const batch of legacyChatBatches(legacy, schema, table, target, 0)) {
    counts.lines += batch.chunk.lines;
    counts.inserted += batch.chunk.msgids.length;
    counts.unchanged += batch.chunk.knownUnchanged;
    counts.quarantined += batch.chunk.quarantined.length;
    for (const line of batch.chunk.quarantined) quarantined.push({ table: `${batch.schema}.wecom_chat_logs`, msgid: msgidOf(line.rawText), reason: line.reason });
  }
  return { counts, quarantined };
}

function msgidOf(text: string): string {
  return /"msgid"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? '?';
}
