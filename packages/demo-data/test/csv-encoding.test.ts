import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { encodeCsv, generateSchool, rosterCsv } from '../src/index.ts';
import { runDemoCli } from '../src/cli-commands.ts';

function capture() {
  const chunks: Buffer[] = [];
  const sink = { write: (chunk: string | Buffer) => { chunks.push(Buffer.from(chunk)); return true; } } as unknown as NodeJS.WritableStream;
  return { sink, bytes: () => Buffer.concat(chunks) };
}

describe('roster CSV encodings', () => {
  const text = rosterCsv(generateSchool());

  it('when no encoding is asked for, then the bytes are the UTF-8 text as before', () => {
    expect(encodeCsv(text).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('when GBK or UTF-8 with BOM is asked for, then the bytes decode back to the same text', () => {
    expect(iconv.decode(encodeCsv(text, 'gbk'), 'gbk')).toBe(text);
    const bom = encodeCsv(text, 'utf8-bom');
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bom.subarray(3).toString('utf8')).toBe(text);
  });

  it('when the CLI is given --encoding gbk, then it writes GBK; an unknown encoding is a usage error', async () => {
    const out = capture();
    const err = capture();
    expect(await runDemoCli(['roster-csv', '--encoding', 'gbk'], { stdout: out.sink, stderr: err.sink, env: {} })).toBe(0);
    expect(out.bytes().equals(iconv.encode(text, 'gbk'))).toBe(true);
    expect(await runDemoCli(['roster-csv', '--encoding', 'latin1'], { stdout: out.sink, stderr: err.sink, env: {} })).toBe(2);
    expect(err.bytes().toString()).toContain('--encoding');
  });
});
