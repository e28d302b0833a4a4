import type { Readable } from 'node:stream';
import { normaliseLine, type MessageRow } from '../domain/archive-record.ts';
import { encodeChunk, type EncodedChunk } from '../domain/chunk-encoder.ts';
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
 * COPY text output in batches of `size` rows. Only whole rows are decoded: a newline byte never occurs inside a
 * multi-byte UTF-8 character, and newlines inside values arrive escaped.
 */
export async function* copyRowBatches(stream: Readable, size: number): AsyncGenerator<string[]> {
  let pending: Buffer[] = [];
  let batch: string[] = [];
  for await (const piece of stream as AsyncIterable<Buffer>) {
    const cut = piece.lastIndexOf(10);
    if (cut < 0) {
      pending.push(piece);
      continue;
    }
    const whole = pending.length > 0 ? Buffer.concat([...pending, piece.subarray(0, cut)]) : piece.subarray(0, cut);
    pending = cut + 1 < piece.length ? [piece.subarray(cut + 1)] : [];
    for (const row of whole.toString('utf8').split('\n')) {
      batch.push(row);
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
  }
  if (pending.length > 0) batch.push(Buffer.concat(pending).toString('utf8'));
  if (batch.length > 0) yield batch;
}

/** The msgid of a COPY row (its first field), for the look-up of what is stored here already. */
export const msgidOfRow = (row: string): string => copyValue(row.slice(0, row.indexOf('\t'))) ?? '';

/** Turns a batch of COPY rows into a chunk; rows whose msgid is stored here already are counted unchanged, never parsed. */
export function chunkOfRows(rows: readonly string[], firstLineNo: number, known: ReadonlySet<string>, runId: number): EncodedChunk {
  const kept: MessageRow[] = [];
  const quarantined: QuarantinedLine[] = [];
  let knownUnchanged = 0;
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index]!;
    const lineNo = firstLineNo + index;
    const firstTab = row.indexOf('\t');
    const lastTab = row.lastIndexOf('\t');
    const msgid = copyValue(row.slice(0, firstTab)) ?? '';
    if (known.size > 0 && known.has(msgid)) {
      knownUnchanged += 1;
      continue;
    }
    const text = copyValue(row.slice(firstTab + 1, lastTab)) ?? '';
    const created = copyValue(row.slice(lastTab + 1));
    const outcome = normaliseLine(text, lineNo);
    if (outcome.kind === 'row') {
      if (outcome.row.msgid !== msgid) {
        quarantined.push({ lineNo, seq: outcome.row.seq, reason: `raw_data 的 msgid（${outcome.row.msgid}）与 msgid 列（${msgid}）不一致 (raw_data msgid differs from the msgid column)`, rawText: text });
        continue;
      }
      if (created !== null) outcome.row.ingestedAtMs = Number(created);
      kept.push(outcome.row);
    } else {
      quarantined.push({ lineNo, seq: outcome.kind === 'quarantine' ? outcome.seq ?? null : null, reason: outcome.kind === 'quarantine' ? outcome.reason : '空记录 (empty record)', rawText: text });
    }
  }
  return encodeChunk({ rows: kept, quarantined, lines: rows.length, duplicatesInFile: 0, knownUnchanged }, 0, runId);
}
