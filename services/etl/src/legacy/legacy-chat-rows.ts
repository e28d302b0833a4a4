import type { Readable } from 'node:stream';
import { normaliseLine, type MessageRow } from '../domain/archive-record.ts';
import { chunkFields, copyRowHead, copyRowTail, type EncodedChunk } from '../domain/chunk-encoder.ts';
import { copyField } from '../data-access/copy-text.ts';
import type { QuarantinedLine } from '../domain/quarantined-line.ts';
import type { ChatSchema, LegacySchema } from './legacy-source.ts';

/**
 * The rows of one chat table as `COPY (…) TO STDOUT` text, three fields a row: msgid, the archive record, created_at
 * in epoch ms. The record is raw_data as the archive wrote it, so the body is derived again with this suite's rules
 * (the original kept docmsg, markdown and news bodies under the wrong key); a row without raw_data gets one built
 * from its columns by the original's server. A table read after the other skips the msgids the other holds: the same
 * msgid in both schemas is one message. No ORDER BY: the server streams the table as it lies instead of sorting it.
 */
export function chatCopySql(schema: LegacySchema, table: ChatSchema): string {
  const first = schema.chatTables[0];
  const skipOther = table !== first && first !== undefined ? `WHERE NOT EXISTS (SELECT 1 FROM ${first}.wecom_chat_logs o WHERE o.msgid = c.msgid)` : '';
  const created = schema.chatCreatedAtNaive[table] ? "c.created_at AT TIME ZONE 'Asia/Shanghai'" : 'c.created_at';
  const rebuilt = `jsonb_build_object('msgid', c.msgid, 'action', c.action, 'msgtype', c.msgtype, 'msgtime', round(extract(epoch FROM c.msgtime) * 1000),
      'from', c.from_user_id, 'roomid', c.roomid, 'tolist', coalesce(to_jsonb(c.tolist), '[]'::jsonb))
    || CASE WHEN c.msgtype IS NOT NULL AND c.content_payload IS NOT NULL THEN jsonb_build_object(c.msgtype, c.content_payload) ELSE '{}'::jsonb END`;
  return `COPY (SELECT c.msgid, coalesce(c.raw_data, ${rebuilt})::text, round(extract(epoch FROM ${created}) * 1000)::bigint
    FROM ${table}.wecom_chat_logs c ${skipOther}) TO STDOUT`;
}

const COPY_ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** One field of PostgreSQL's COPY text output as the value it stands for (`\N` is NULL). */
export function copyValue(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_match, char: string) => COPY_ESCAPES[char] ?? char);
}

/**
 * COPY text output in batches of `size` whole rows, as the bytes that came (each row ends with a newline; newlines
 * inside values arrive escaped, so every newline byte ends a row).
 */
export async function* copyRowBatches(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let rows = 0;
  for await (const piece of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (let newline = piece.indexOf(10); newline >= 0; newline = piece.indexOf(10, newline + 1)) {
      rows += 1;
      if (rows < size) continue;
      parts.push(piece.subarray(from, newline + 1));
      yield Buffer.concat(parts);
      parts = [];
      rows = 0;
      from = newline + 1;
    }
    if (from < piece.length) parts.push(piece.subarray(from));
  }
  if (parts.length > 0) yield Buffer.concat(parts);
}

/** Calls `each(start, end)` for every row of a batch (end: the index of its newline). */
function forEachRow(batch: Buffer, each: (start: number, end: number) => void): void {
  for (let start = 0; start < batch.length;) {
    let end = batch.indexOf(10, start);
    if (end < 0) end = batch.length;
    each(start, end);
    start = end + 1;
  }
}

/** The msgids of a batch (each row's first field), for the look-up of what is stored here already. */
export function msgidsOf(batch: Buffer): string[] {
  const msgids: string[] = [];
  forEachRow(batch, (start, end) => {
    const tab = batch.indexOf(9, start);
    msgids.push(copyValue(batch.toString('utf8', start, tab < 0 || tab > end ? end : tab)) ?? '');
  });
  return msgids;
}

/**
 * The COPY text for chat.messages, written straight into one growing buffer. A record whose text needs no repair
 * goes into its `raw` field as the bytes the original's COPY sent: they are COPY text already, so the largest field
 * of each row is never encoded again.
 */
class CopyTextBuilder {
  private out: Buffer;
  private length = 0;

  constructor(expected: number) {
    this.out = Buffer.allocUnsafe(expected);
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.length + bytes));
    this.out.copy(bigger, 0, 0, this.length);
    this.out = bigger;
  }

  text(value: string): void {
    this.room(value.length * 3);
    this.length += this.out.write(value, this.length, 'utf8');
  }

  bytes(source: Buffer, start: number, end: number): void {
    this.room(end - start);
    this.length += source.copy(this.out, this.length, start, end);
  }

  done(): Uint8Array {
    return new Uint8Array(this.out.buffer, this.out.byteOffset, this.length);
  }
}

/** Turns a batch of COPY rows into a chunk; rows whose msgid is stored here already are counted unchanged, never parsed. */
export function chunkOfRows(batch: Buffer, firstLineNo: number, known: ReadonlySet<string>, runId: number): EncodedChunk {
  const kept: MessageRow[] = [];
  const quarantined: QuarantinedLine[] = [];
  // the rows' other fields add about half the size of their records
  const copy = new CopyTextBuilder(Math.ceil(batch.length * 1.6) + 4096);
  let knownUnchanged = 0;
  let lines = 0;
  forEachRow(batch, (start, end) => {
    const lineNo = firstLineNo + lines;
    lines += 1;
    const firstTab = batch.indexOf(9, start);
    const lastTab = batch.lastIndexOf(9, end - 1);
    const msgid = copyValue(batch.toString('utf8', start, firstTab)) ?? '';
    if (known.size > 0 && known.has(msgid)) {
      knownUnchanged += 1;
      return;
    }
    const text = copyValue(batch.toString('utf8', firstTab + 1, lastTab)) ?? '';
    const created = copyValue(batch.toString('latin1', lastTab + 1, end));
    const outcome = normaliseLine(text, lineNo);
    if (outcome.kind !== 'row') {
      quarantined.push({ lineNo, seq: outcome.kind === 'quarantine' ? outcome.seq ?? null : null, reason: outcome.kind === 'quarantine' ? outcome.reason : '空记录 (empty record)', rawText: text });
      return;
    }
    const { row } = outcome;
    if (row.msgid !== msgid) {
      quarantined.push({ lineNo, seq: row.seq, reason: `raw_data 的 msgid（${row.msgid}）与 msgid 列（${msgid}）不一致 (raw_data msgid differs from the msgid column)`, rawText: text });
      return;
    }
    if (created !== null) row.ingestedAtMs = Number(created);
    kept.push(row);
    copy.text(copyRowHead(row));
    if (row.rawJson === text) copy.bytes(batch, firstTab + 1, lastTab);
    else copy.text(copyField(row.rawJson));
    copy.text(copyRowTail(row, runId));
  });
  const chunk = { rows: kept, quarantined, lines, duplicatesInFile: 0, knownUnchanged };
  return { copyText: copy.done(), ...chunkFields(chunk, 0) };
}
