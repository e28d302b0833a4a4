import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { Pool, PoolClient } from '@doitcrm/kit';
import type { MessageRow } from '../domain/archive-record.ts';
import { arrayLiteral, copyField } from './copy-text.ts';

export type ConflictMode = 'skip' | 'update';

export interface QuarantinedLine {
  lineNo: number;
  seq?: number | null;
  reason: string;
  rawText: string;
}

export interface ChunkCounts {
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  duplicatesInFile: number;
  minMsgtime: Date | null;
  maxMsgtime: Date | null;
}

export interface Chunk {
  rows: MessageRow[];
  quarantined: QuarantinedLine[];
  /** lines that needed no write: blank lines, in-chunk duplicates, msgids known to exist already (skip mode) */
  lines: number;
  duplicatesInFile: number;
  knownUnchanged: number;
}

const STAGING_DDL = `CREATE TEMP TABLE IF NOT EXISTS etl_staging (
  line_no bigint, msgid text, seq bigint, action text, msgtype text, msgtime_ms bigint,
  from_id text, room_id text, to_ids text[], payload text, raw text
) ON COMMIT DELETE ROWS`;

const COLUMNS = 'msgid, seq, action, msgtype, msgtime, from_id, room_id, to_ids, payload, raw, recalled_by, import_run_id';

// a revoke may arrive before the message it recalls: new rows pick up such a revoke when they are inserted
const SELECT_STAGED = `SELECT s.msgid, s.seq, s.action, s.msgtype, to_timestamp(s.msgtime_ms / 1000.0), s.from_id, s.room_id, s.to_ids,
    s.payload::jsonb, s.raw::jsonb, r.msgid, $1::bigint
  FROM etl_staging s
  LEFT JOIN LATERAL (
    SELECT revoke.msgid FROM chat.messages revoke
    WHERE revoke.msgtype = 'revoke' AND revoke.payload ->> 'pre_msgid' = s.msgid
    ORDER BY revoke.msgtime LIMIT 1
  ) r ON true`;

const MERGE_SQL: Record<ConflictMode, string> = {
  skip: `WITH written AS (
      INSERT INTO chat.messages (${COLUMNS}) ${SELECT_STAGED}
      ON CONFLICT (msgid) DO NOTHING
      RETURNING true AS inserted, msgtime)
    SELECT count(*)::int AS inserted, 0 AS updated, min(msgtime) AS min_msgtime, max(msgtime) AS max_msgtime FROM written`,
  // rows whose content did not change are left alone (no new tuple, no WAL) and counted as unchanged
  update: `WITH written AS (
      INSERT INTO chat.messages (${COLUMNS}) ${SELECT_STAGED}
      ON CONFLICT (msgid) DO UPDATE SET
        seq = EXCLUDED.seq, action = EXCLUDED.action, msgtype = EXCLUDED.msgtype, msgtime = EXCLUDED.msgtime,
        from_id = EXCLUDED.from_id, room_id = EXCLUDED.room_id, to_ids = EXCLUDED.to_ids, payload = EXCLUDED.payload,
        raw = EXCLUDED.raw, import_run_id = EXCLUDED.import_run_id, updated_at = now()
      WHERE chat.messages.raw IS DISTINCT FROM EXCLUDED.raw
      RETURNING (xmax = 0) AS inserted, msgtime)
    SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
      min(msgtime) AS min_msgtime, max(msgtime) AS max_msgtime FROM written`,
};

// revokes of this chunk mark the messages they recall, whether those came earlier or in this very chunk
const LINK_RECALLS_SQL = `UPDATE chat.messages m SET recalled_by = s.msgid
  FROM etl_staging s
  WHERE s.msgtype = 'revoke' AND m.msgid = (s.payload::jsonb ->> 'pre_msgid') AND m.recalled_by IS NULL`;

function toCopyLine(row: MessageRow): string {
  return `${row.lineNo}\t${copyField(row.msgid)}\t${copyField(row.seq)}\t${copyField(row.action)}\t${copyField(row.msgtype)}\t${row.msgtimeMs}\t${
    copyField(row.fromId)}\t${copyField(row.roomId)}\t${copyField(arrayLiteral(row.toIds))}\t${copyField(row.payloadJson)}\t${copyField(row.rawJson)}\n`;
}

/** Errors that say the row's data is unacceptable (as opposed to the connection or the server failing). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('22') || code === '23514' || code === '23502' || code === '54000';
}

const MAX_QUARANTINE_TEXT = 1 << 20;
function quarantineText(text: string): string {
  const clean = text.replaceAll('\u0000', '\uFFFD').toWellFormed();
  return clean.length > MAX_QUARANTINE_TEXT ? `${clean.slice(0, MAX_QUARANTINE_TEXT)}…(truncated)` : clean;
}

/**
 * Writes one chunk of an import in one transaction: COPY into an unindexed temp table, one set-based merge into
 * chat.messages, recall links, quarantined lines and the run's counters. Either all of it is visible or none.
 * A row PostgreSQL refuses is found by halving the chunk and goes to quarantine; the rest still loads.
 */
export class MessageWriter {
  private client: PoolClient | undefined;

  constructor(private readonly pool: Pool, private readonly runId: number, private readonly source: string, private readonly conflict: ConflictMode) {}

  private async session(): Promise<PoolClient> {
    if (!this.client) {
      const client = await this.pool.connect();
      // a connection dropped between statements errors on the client itself; the next statement then fails and
      // the chunk is retried, so the event only needs a listener (an unhandled one would crash the process)
      client.on('error', () => {});
      try {
        await client.query(STAGING_DDL);
        // the merge is big and sequential; keep it from spilling small sorts to disk
        await client.query("SET work_mem = '64MB'");
      } catch (error) {
        client.release(true);
        throw error;
      }
      this.client = client;
    }
    return this.client;
  }

  async writeChunk(chunk: Chunk): Promise<ChunkCounts> {
    const client = await this.session();
    try {
      await client.query('BEGIN');
      const refused: QuarantinedLine[] = [];
      const merged = await this.mergeRows(client, chunk.rows, refused);
      const quarantined = [...chunk.quarantined, ...refused];
      await this.insertQuarantine(client, quarantined);
      const counts: ChunkCounts = {
        lines: chunk.lines,
        inserted: merged.inserted,
        updated: merged.updated,
        unchanged: chunk.knownUnchanged + (chunk.rows.length - refused.length - merged.inserted - merged.updated),
        quarantined: quarantined.length,
        duplicatesInFile: chunk.duplicatesInFile,
        minMsgtime: merged.minMsgtime,
        maxMsgtime: merged.maxMsgtime,
      };
      await this.addToRun(client, counts);
      await client.query('COMMIT');
      return counts;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      // the session may be broken (server restart): start a fresh one on the next attempt
      this.client?.release(true);
      this.client = undefined;
      throw error;
    }
  }

  private async mergeRows(client: PoolClient, rows: MessageRow[], refused: QuarantinedLine[]): Promise<{ inserted: number; updated: number; minMsgtime: Date | null; maxMsgtime: Date | null }> {
    const empty = { inserted: 0, updated: 0, minMsgtime: null, maxMsgtime: null };
    if (rows.length === 0) return empty;
    await client.query('SAVEPOINT rows');
    try {
      await client.query('TRUNCATE etl_staging');
      await pipeline(Readable.from(copyLines(rows)), client.query(copyFrom('COPY etl_staging FROM STDIN')));
      const { rows: [result] } = await client.query<{ inserted: number; updated: number; min_msgtime: Date | null; max_msgtime: Date | null }>(MERGE_SQL[this.conflict], [this.runId]);
      await client.query(LINK_RECALLS_SQL);
      await client.query('RELEASE SAVEPOINT rows');
      return { inserted: result!.inserted, updated: result!.updated, minMsgtime: result!.min_msgtime, maxMsgtime: result!.max_msgtime };
    } catch (error) {
      if (!isDataError(error)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT rows');
      if (rows.length === 1) {
        const row = rows[0]!;
        refused.push({ lineNo: row.lineNo, seq: row.seq, reason: `数据库拒绝了这一行 (refused by the database: ${(error as Error).message})`, rawText: row.rawJson });
        return empty;
      }
      const middle = Math.ceil(rows.length / 2);
      const left = await this.mergeRows(client, rows.slice(0, middle), refused);
      const right = await this.mergeRows(client, rows.slice(middle), refused);
      return {
        inserted: left.inserted + right.inserted,
        updated: left.updated + right.updated,
        minMsgtime: minDate(left.minMsgtime, right.minMsgtime),
        maxMsgtime: maxDate(left.maxMsgtime, right.maxMsgtime),
      };
    }
  }

  private async insertQuarantine(client: PoolClient, lines: QuarantinedLine[]): Promise<void> {
    if (lines.length === 0) return;
    await client.query(
      `INSERT INTO chat.quarantine (run_id, source, line_no, seq, reason, raw_text)
       SELECT $1, $2, line_no, seq, reason, raw_text
       FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[]) AS q (line_no, seq, reason, raw_text)`,
      [this.runId, this.source, lines.map((line) => line.lineNo), lines.map((line) => line.seq ?? null), lines.map((line) => line.reason),
        lines.map((line) => quarantineText(line.rawText))],
    );
  }

  private async addToRun(client: PoolClient, counts: ChunkCounts): Promise<void> {
    await client.query(
      `UPDATE chat.import_runs SET lines = lines + $2, inserted = inserted + $3, updated = updated + $4, unchanged = unchanged + $5,
         quarantined = quarantined + $6, duplicates_in_file = duplicates_in_file + $7,
         min_msgtime = least(min_msgtime, $8), max_msgtime = greatest(max_msgtime, $9), heartbeat_at = now()
       WHERE id = $1`,
      [this.runId, counts.lines, counts.inserted, counts.updated, counts.unchanged, counts.quarantined, counts.duplicatesInFile,
        counts.minMsgtime, counts.maxMsgtime],
    );
  }

  close(): void {
    this.client?.release();
    this.client = undefined;
  }
}

function* copyLines(rows: MessageRow[]): Generator<string> {
  // a few hundred rows per write keeps syscalls few without building one huge string
  let buffer = '';
  for (let i = 0; i < rows.length; i += 1) {
    buffer += toCopyLine(rows[i]!);
    if (buffer.length > 256 * 1024) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

function minDate(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}
function maxDate(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}
