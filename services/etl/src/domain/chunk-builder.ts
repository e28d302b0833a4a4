import { normaliseLine, leadingMsgid, type MessageRow } from './archive-record.ts';
import type { QuarantinedLine } from './quarantined-line.ts';
import type { OverlongLine } from './line-source.ts';
import type { ConflictMode } from '../contract.ts';

export type { ConflictMode } from '../contract.ts';

export interface Chunk {
  rows: MessageRow[];
  quarantined: QuarantinedLine[];
  /** lines of the archive in this chunk (blank lines are not counted) */
  lines: number;
  duplicatesInFile: number;
  /** lines whose msgid is known to be stored already (skip mode): counted unchanged, never parsed */
  knownUnchanged: number;
}

/**
 * Turns a batch of lines into what the writer needs. Lines whose msgid is known to exist are not parsed at all in
 * skip mode (that is what makes re-imports fast). A msgid repeated inside the chunk keeps one row, the first in
 * skip mode and the last in update mode — the same rule the database applies across chunks.
 */
export function buildChunk(
  lines: string[], firstLineNo: number, conflict: ConflictMode, knownMsgids: ReadonlySet<string>, overlong: readonly OverlongLine[] = [],
): Chunk {
  const byMsgid = new Map<string, MessageRow>();
  const quarantined: QuarantinedLine[] = [];
  const overlongAt = overlong.length > 0 ? new Map(overlong.map((line) => [line.lineNo, line])) : null;
  let duplicatesInFile = 0;
  let knownUnchanged = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const lineNo = firstLineNo + i;
    const tooLong = overlongAt?.get(lineNo);
    if (tooLong) {
      quarantined.push({ lineNo, seq: null, reason: overlongReason(tooLong), rawText: `${tooLong.prefix}…` });
      continue;
    }
    if (knownMsgids.size > 0) {
      const msgid = leadingMsgid(line);
      if (msgid !== null && knownMsgids.has(msgid)) {
        knownUnchanged += 1;
        continue;
      }
    }
    const outcome = normaliseLine(line, lineNo);
    if (outcome.kind === 'blank') continue;
    if (outcome.kind === 'quarantine') {
      quarantined.push({ lineNo, seq: outcome.seq ?? null, reason: outcome.reason, rawText: line });
      continue;
    }
    const existing = byMsgid.get(outcome.row.msgid);
    if (existing) {
      duplicatesInFile += 1;
      if (conflict === 'skip') continue;
      byMsgid.delete(outcome.row.msgid);
    }
    byMsgid.set(outcome.row.msgid, outcome.row);
  }
  const blank = lines.length - knownUnchanged - quarantined.length - duplicatesInFile - byMsgid.size;
  return {
    rows: [...byMsgid.values()],
    quarantined,
    // blank lines are not counted as lines of the archive
    lines: lines.length - blank,
    duplicatesInFile,
    knownUnchanged,
  };
}

function overlongReason(line: OverlongLine): string {
  const kb = Math.round(line.limitBytes / 1024);
  return `行太长：${line.bytes} 字节，超过上限 ${kb} KB（MAX_LINE_KB），只保留了开头 ${line.prefix.length} 个字符 `
    + `(line of ${line.bytes} bytes is longer than the ${kb} KB limit, MAX_LINE_KB; only its start is kept)`;
}

export function leadingMsgids(lines: string[]): string[] {
  const ids: string[] = [];
  for (const line of lines) {
    const id = leadingMsgid(line);
    if (id !== null) ids.push(id);
  }
  return ids;
}
