import { arrayLiteral, copyField } from '../data-access/copy-text.ts';
import type { MessageRow } from './archive-record.ts';
import type { Chunk } from './chunk-builder.ts';
import type { QuarantinedLine } from './quarantined-line.ts';

/** Columns of chat.messages a chunk's COPY text fills, in order. */
export const COPY_COLUMNS = ['msgid', 'seq', 'action', 'msgtype', 'msgtime', 'from_id', 'room_id', 'to_ids', 'payload', 'raw', 'import_run_id', 'ingested_at'] as const;

/**
 * A chunk ready for PostgreSQL, made in the parse worker: the rows as COPY text (one line per row, in the order of
 * `lineNos` and `msgids`), and what the writer needs besides. Plain data, so it crosses threads cheaply.
 */
export interface EncodedChunk {
  copyText: Uint8Array;
  lineNos: number[];
  msgids: string[];
  /** revokes of this chunk: the message each recalls */
  recalls: Array<{ revoke: string; target: string }>;
  minMsgtimeMs: number | null;
  maxMsgtimeMs: number | null;
  quarantined: QuarantinedLine[];
  lines: number;
  duplicatesInFile: number;
  knownUnchanged: number;
  bytesRead: number;
}

const encoder = new TextEncoder();

// PostgreSQL reads 'now' as the transaction's start, the column's own default: a row keeps the time it was stored
// unless it brings the time an earlier system stored it (an original DoitCRM database's created_at)
const ingestedAt = (row: MessageRow) => (row.ingestedAtMs === undefined ? 'now' : new Date(row.ingestedAtMs).toISOString());

/** A row's COPY line up to its `raw` field (the fields before it and their tabs). */
export function copyRowHead(row: MessageRow): string {
  return `${copyField(row.msgid)}\t${copyField(row.seq)}\t${copyField(row.action)}\t${copyField(row.msgtype)}\t${
    new Date(row.msgtimeMs).toISOString()}\t${copyField(row.fromId)}\t${copyField(row.roomId)}\t${copyField(arrayLiteral(row.toIds))}\t${
    copyField(row.payloadJson)}\t`;
}

/** A row's COPY line after its `raw` field, newline included. */
export const copyRowTail = (row: MessageRow, runId: number): string => `\t${runId}\t${ingestedAt(row)}\n`;

/** What a chunk says besides its COPY text, gathered from its rows. */
export function chunkFields(chunk: Chunk, bytesRead: number): Omit<EncodedChunk, 'copyText'> {
  const lineNos: number[] = [];
  const msgids: string[] = [];
  const recalls: EncodedChunk['recalls'] = [];
  let minMs: number | null = null;
  let maxMs: number | null = null;
  for (const row of chunk.rows) {
    lineNos.push(row.lineNo);
    msgids.push(row.msgid);
    if (row.msgtype === 'revoke' && row.preMsgid) recalls.push({ revoke: row.msgid, target: row.preMsgid });
    if (minMs === null || row.msgtimeMs < minMs) minMs = row.msgtimeMs;
    if (maxMs === null || row.msgtimeMs > maxMs) maxMs = row.msgtimeMs;
  }
  return {
    lineNos, msgids, recalls, minMsgtimeMs: minMs, maxMsgtimeMs: maxMs, quarantined: chunk.quarantined, lines: chunk.lines,
    duplicatesInFile: chunk.duplicatesInFile, knownUnchanged: chunk.knownUnchanged, bytesRead,
  };
}

export function encodeChunk(chunk: Chunk, bytesRead: number, runId: number): EncodedChunk {
  // encoded in pieces: one flat UTF-16 string of the whole chunk would be twice its UTF-8 size in memory
  const pieces: Uint8Array[] = [];
  let text = '';
  for (const row of chunk.rows) {
    text += `${copyRowHead(row)}${copyField(row.rawJson)}${copyRowTail(row, runId)}`;
    if (text.length >= 64 * 1024) {
      pieces.push(encoder.encode(text));
      text = '';
    }
  }
  if (text) pieces.push(encoder.encode(text));
  return { copyText: concatBytes(pieces), ...chunkFields(chunk, bytesRead) };
}

function concatBytes(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

/** The COPY lines of a chunk, one per row (for the slow path that must look at rows one by one). */
export function splitCopyLines(chunk: EncodedChunk): string[] {
  const text = new TextDecoder().decode(chunk.copyText);
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

/** The original record of a COPY line (the field before the run id and the ingest time), for quarantine. */
export function rawOfCopyLine(line: string): string {
  const withoutIngestedAt = line.slice(0, line.lastIndexOf('\t'));
  const withoutRunId = withoutIngestedAt.slice(0, withoutIngestedAt.lastIndexOf('\t'));
  const raw = withoutRunId.slice(withoutRunId.lastIndexOf('\t') + 1);
  return raw.replace(/\\(.)/g, (_match, char: string) => (char === 't' ? '\t' : char === 'n' ? '\n' : char === 'r' ? '\r' : char));
}
