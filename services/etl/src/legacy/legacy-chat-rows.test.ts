import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { normaliseLine, type MessageRow } from '../domain/archive-record.ts';
import { encodeChunk } from '../domain/chunk-encoder.ts';
import { copyField } from '../data-access/copy-text.ts';
import { chunkOfRows, copyRowBatches, msgidsOf } from './legacy-chat-rows.ts';

const records = [
  { msgid: 'm1', action: 'send', from: 'wmMum', tolist: ['t1'], roomid: '', msgtime: 1772409600000, msgtype: 'text', text: { content: '第一行\n第二行 "引号" \\ 反斜杠\t制表' } },
  { msgid: 'm2', action: 'send', from: 't1', tolist: ['wmMum'], roomid: 'wrA', msgtime: 1772409601000, msgtype: 'markdown', info: { content: '**作业**' } },
  { msgid: 'm3', action: 'send', from: 't1', tolist: [], roomid: 'wrA', msgtime: 'not a time', msgtype: 'text', text: { content: '坏时间' } },
];
// as PostgreSQL's COPY TO writes them: msgid, record text, created_at in epoch ms
const copyOut = records.map((record, index) => `${record.msgid}\t${copyField(JSON.stringify(record))}\t${1772409600000 + index}\n`).join('');

/** The bytes cut into pieces of `size`, as a socket may deliver them (through the middle of characters). */
const pieces = (text: string, size: number) => {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return Readable.from(out);
};

describe('legacy chat rows from COPY text', () => {
  it('when the stream is cut anywhere, then batches hold whole rows and their msgids', async () => {
    for (const size of [1, 7, 64, 1 << 16]) {
      const batches: Buffer[] = [];
      for await (const batch of copyRowBatches(pieces(copyOut, size), 2)) batches.push(batch);
      expect(batches.map((batch) => msgidsOf(batch))).toEqual([['m1', 'm2'], ['m3']]);
      expect(Buffer.concat(batches).toString()).toBe(copyOut);
    }
  });

  it('when rows are encoded with their records passed through as bytes, then the COPY text is the archive encoder\'s, byte for byte', () => {
    const chunk = chunkOfRows(Buffer.from(copyOut), 10, new Set(), 7);
    const rows = records.slice(0, 2).map((record, index) => {
      const outcome = normaliseLine(JSON.stringify(record), 10 + index);
      if (outcome.kind !== 'row') throw new Error('fixture record must load');
      return { ...outcome.row, ingestedAtMs: 1772409600000 + index } satisfies MessageRow;
    });
    const expected = encodeChunk({ rows, quarantined: [], lines: 3, duplicatesInFile: 0, knownUnchanged: 0 }, 0, 7);

    expect(Buffer.from(chunk.copyText).toString()).toBe(Buffer.from(expected.copyText).toString());
    expect(chunk.msgids).toEqual(['m1', 'm2']);
    expect(chunk.quarantined).toMatchObject([{ lineNo: 12, reason: expect.stringContaining('msgtime') }]);
    expect(JSON.parse(chunk.quarantined[0]!.rawText)).toEqual(records[2]);
  });

  it('when some msgids are stored here already, then those rows are counted unchanged and not parsed', () => {
    const chunk = chunkOfRows(Buffer.from(copyOut), 1, new Set(['m1', 'm3']), 7);
    expect([chunk.msgids, chunk.knownUnchanged, chunk.quarantined.length, chunk.lines]).toEqual([['m2'], 2, 0, 3]);
  });
});
