import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { Pool, PoolClient } from '@doitcrm/kit';
import { COPY_COLUMNS, rawOfCopyLine, splitCopyLines, type EncodedChunk } from '../domain/chunk-encoder.ts';
import type { ConflictMode, ImportCounts } from '../contract.ts';
import type { QuarantinedLine } from '../domain/quarantined-line.ts';
import { linkAcrossChunks, linkRecalls } from './recall-linker.ts';

export interface ChunkCounts extends ImportCounts {
  minMsgtime: Date | null;
  maxMsgtime: Date | null;
}

export const emptyChunkCounts = (): ChunkCounts => ({
  lines: 0, inserted: 0, updated: 0, unchanged: 0, quarantined: 0, duplicatesInFile: 0, minMsgtime: null, maxMsgtime: null,
});

/** Adds one chunk's counts to a run's totals (an archive file's or the original database's chat). */
export function addChunkCounts(totals: ChunkCounts, counts: ChunkCounts): void {
  totals.lines += counts.lines;
  totals.inserted += counts.inserted;
  totals.updated += counts.updated;
  totals.unchanged += counts.unchanged;
  totals.quarantined += counts.quarantined;
  totals.duplicatesInFile += counts.duplicatesInFile;
  if (counts.minMsgtime && (!totals.minMsgtime || counts.minMsgtime < totals.minMsgtime)) totals.minMsgtime = counts.minMsgtime;
  if (counts.maxMsgtime && (!totals.maxMsgtime || counts.maxMsgtime > totals.maxMsgtime)) totals.maxMsgtime = counts.maxMsgtime;
}

interface Merged {
  inserted: number;
  updated: number;
  minMsgtime: Date | null;
  maxMsgtime: Date | null;
}

const COLUMN_LIST = COPY_COLUMNS.join(', ');

const STAGING_DDL = `CREATE TEMP TABLE IF NOT EXISTS etl_staging (
  line_no bigint, msgid text, seq bigint, action text, msgtype text, msgtime timestamptz,
  from_id text, room_id text, to_ids text[], payload text, raw text, import_run_id bigint, ingested_at timestamptz
) ON COMMIT DELETE ROWS`;

const SELECT_STAGED = `SELECT ${COLUMN_LIST.replace('payload, raw', 'payload::jsonb, raw::jsonb')} FROM etl_staging`;

const MERGE_SQL: Record<ConflictMode, string> = {
  skip: `WITH written AS (
      INSERT INTO chat.messages (${COLUMN_LIST}) ${SELECT_STAGED}
      ON CONFLICT (msgid) DO NOTHING
      RETURNING msgtime)
    SELECT count(*)::int AS inserted, 0 AS updated, min(msgtime) AS min_msgtime, max(msgtime) AS max_msgtime FROM written`,
  // rows whose record did not change are left alone (no new tuple, no WAL) and counted as unchanged
  update: `WITH written AS (
      INSERT INTO chat.messages (${COLUMN_LIST}) ${SELECT_STAGED}
      ON CONFLICT (msgid) DO UPDATE SET
        seq = EXCLUDED.seq, action = EXCLUDED.action, msgtype = EXCLUDED.msgtype, msgtime = EXCLUDED.msgtime,
        from_id = EXCLUDED.from_id, room_id = EXCLUDED.room_id, to_ids = EXCLUDED.to_ids, payload = EXCLUDED.payload,
        raw = EXCLUDED.raw, import_run_id = EXCLUDED.import_run_id, updated_at = now()
      WHERE chat.messages.raw IS DISTINCT FROM EXCLUDED.raw
      RETURNING (xmax = 0) AS inserted, msgtime)
    SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
      min(msgtime) AS min_msgtime, max(msgtime) AS max_msgtime FROM written`,
};

/** Errors that say the rows' data is unacceptable (as opposed to the connection or the server failing). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('22') || code === '23514' || code === '23502' || code === '54000';
}
const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

const MAX_QUARANTINE_TEXT = 1 << 20;
function quarantineText(text: string): string {
  const clean = text.replaceAll('\u0000', '\uFFFD').toWellFormed();
  return clean.length > MAX_QUARANTINE_TEXT ? `${clean.slice(0, MAX_QUARANTINE_TEXT)}…(truncated)` : clean;
}

const toDate = (ms: number | null) => (ms === null ? null : new Date(ms));

/**
 * Writes one chunk of an import in one transaction: the rows, recall links, quarantined lines and the run's
 * counters — all of it visible, or none. New rows are COPYed straight into chat.messages, as fast as a raw COPY;
 * when some already exist (or in update mode) the chunk goes through a temp table and one set-based merge. A row
 * PostgreSQL refuses is found by halving and quarantined; the rest still loads.
 */
export class MessageWriter {
  private client: PoolClient | undefined;
  /** chunks to send through the merge before trying the direct COPY again, after one found existing rows */
  private mergeStreak = 0;

  constructor(private readonly pool: Pool, private readonly runId: number, private readonly source: string, private readonly conflict: ConflictMode) {}

  private async session(): Promise<PoolClient> {
    if (!this.client) {
      const client = await this.pool.connect();
      // a connection dropped between statements errors on the client itself; the next statement then fails and
      // the chunk is retried, so the event only needs a listener (an unhandled one would crash the process)
      client.on('error', () => {});
      try {
        await client.query(STAGING_DDL);
      } catch (error) {
        client.release(true);
        throw error;
      }
      this.client = client;
    }
    return this.client;
  }

  async writeChunk(chunk: EncodedChunk): Promise<ChunkCounts> {
    const client = await this.session();
    try {
      await client.query('BEGIN');
      const refused: QuarantinedLine[] = [];
      const merged = await this.writeRows(client, chunk, refused);
      await linkRecalls(client, chunk);
      const quarantined = [...chunk.quarantined, ...refused];
      await this.insertQuarantine(client, quarantined);
      const counts: ChunkCounts = {
        lines: chunk.lines,
        inserted: merged.inserted,
        updated: merged.updated,
        unchanged: chunk.knownUnchanged + (chunk.msgids.length - refused.length - merged.inserted - merged.updated),
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

  private async writeRows(client: PoolClient, chunk: EncodedChunk, refused: QuarantinedLine[]): Promise<Merged> {
    if (chunk.msgids.length === 0) return { inserted: 0, updated: 0, minMsgtime: null, maxMsgtime: null };
    if (this.conflict === 'skip' && this.mergeStreak === 0) {
      await client.query('SAVEPOINT direct');
      try {
        await pipeline(Readable.from([chunk.copyText]), client.query(copyFrom(`COPY chat.messages (${COLUMN_LIST}) FROM STDIN`)));
        await client.query('RELEASE SAVEPOINT direct');
        return { inserted: chunk.msgids.length, updated: 0, minMsgtime: toDate(chunk.minMsgtimeMs), maxMsgtime: toDate(chunk.maxMsgtimeMs) };
      } catch (error) {
        if (!isUniqueViolation(error) && !isDataError(error)) throw error;
        await client.query('ROLLBACK TO SAVEPOINT direct');
        if (isUniqueViolation(error)) this.mergeStreak = 4;
      }
    } else if (this.mergeStreak > 0) {
      this.mergeStreak -= 1;
    }
    const lines = splitCopyLines(chunk);
    return this.mergeLines(client, lines.map((line, index) => `${chunk.lineNos[index]}\t${line}`), refused);
  }

  private async mergeLines(client: PoolClient, lines: string[], refused: QuarantinedLine[]): Promise<Merged> {
    const empty = { inserted: 0, updated: 0, minMsgtime: null, maxMsgtime: null };
    if (lines.length === 0) return empty;
    await client.query('SAVEPOINT rows');
    try {
      await client.query('TRUNCATE etl_staging');
      await pipeline(Readable.from([`${lines.join('\n')}\n`]), client.query(copyFrom('COPY etl_staging FROM STDIN')));
      const { rows: [result] } = await client.query<{ inserted: number; updated: number; min_msgtime: Date | null; max_msgtime: Date | null }>(MERGE_SQL[this.conflict]);
      await client.query('RELEASE SAVEPOINT rows');
      return { inserted: result!.inserted, updated: result!.updated, minMsgtime: result!.min_msgtime, maxMsgtime: result!.max_msgtime };
    } catch (error) {
      if (!isDataError(error)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT rows');
      if (lines.length === 1) {
        const line = lines[0]!;
        const fields = line.split('\t');
        refused.push({
          lineNo: Number(fields[0]),
          seq: fields[2] === '\\N' ? null : Number(fields[2]),
          reason: `数据库拒绝了这一行 (refused by the database: ${(error as Error).message})`,
          rawText: rawOfCopyLine(line),
        });
        return empty;
      }
      const middle = Math.ceil(lines.length / 2);
      const left = await this.mergeLines(client, lines.slice(0, middle), refused);
      const right = await this.mergeLines(client, lines.slice(middle), refused);
      return {
        inserted: left.inserted + right.inserted,
        updated: left.updated + right.updated,
        minMsgtime: earliest(left.minMsgtime, right.minMsgtime),
        maxMsgtime: latest(left.maxMsgtime, right.maxMsgtime),
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

  /**
   * Links recalls across this chunk and those written beside it, on this writer's own connection: the pool may
   * have no other free (a pool of two is all the lanes need), and the writer is idle once its chunk committed.
   */
  async linkAcross(chunk: EncodedChunk, beside: EncodedChunk[]): Promise<void> {
    await linkAcrossChunks(await this.session(), chunk, beside);
  }

  close(): void {
    this.client?.release();
    this.client = undefined;
  }
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}
function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}
