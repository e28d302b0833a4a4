import { describe, expect, it } from 'vitest';
import type { EncodedChunk } from './chunk-encoder.ts';
import { writeInOrder } from './parallel-writes.ts';

function chunk(name: string, msgids: string[]): EncodedChunk {
  return {
    copyText: new Uint8Array(), lineNos: msgids.map((_, index) => index), msgids, recalls: [], minMsgtimeMs: null, maxMsgtimeMs: null,
    quarantined: [], lines: msgids.length, duplicatesInFile: 0, knownUnchanged: 0, bytesRead: name.length,
  };
}

async function* source(chunks: EncodedChunk[]): AsyncGenerator<EncodedChunk> {
  for (const item of chunks) yield item;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes that take `delays[msgids[0]]` ms and log when each starts and ends. */
function timedWrites(delays: Record<string, number>) {
  const log: string[] = [];
  let inFlight = 0;
  let most = 0;
  const write = async (item: EncodedChunk, lane: number) => {
    const name = item.msgids[0]!;
    inFlight += 1;
    most = Math.max(most, inFlight);
    log.push(`start ${name} lane ${lane}`);
    await sleep(delays[name] ?? 1);
    log.push(`end ${name}`);
    inFlight -= 1;
    return name;
  };
  return { log, write, most: () => most };
}

async function collect<T>(results: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const result of results) out.push(result);
  return out;
}

describe('writeInOrder', () => {
  it('when a later chunk finishes first, then results still come back in file order, with at most `lanes` in flight', async () => {
    const writes = timedWrites({ a: 40, b: 5, c: 5, d: 5 });
    const chunks = ['a', 'b', 'c', 'd'].map((name) => chunk(name, [name]));

    const results = await collect(writeInOrder(source(chunks), 2, writes.write));

    expect(results).toEqual(['a', 'b', 'c', 'd']);
    expect(writes.most()).toBe(2);
    expect(writes.log.indexOf('end b')).toBeLessThan(writes.log.indexOf('end a'));
  });

  it('when a chunk repeats a msgid of a chunk still being written, then it starts only after that chunk is done', async () => {
    const writes = timedWrites({ a: 30 });
    const chunks = [chunk('a', ['a', 'shared']), chunk('b', ['b', 'shared'])];

    await collect(writeInOrder(source(chunks), 2, writes.write));

    expect(writes.log).toEqual(['start a lane 0', 'end a', 'start b lane 0', 'end b']);
  });

  it('when chunks are written side by side, then `written` runs in file order naming the earlier chunks written beside each', async () => {
    const writes = timedWrites({ a: 20, b: 5, c: 5 });
    const chunks = [chunk('a', ['a']), chunk('b', ['b', 'x']), chunk('c', ['c', 'x'])];
    const seen: string[] = [];

    await collect(writeInOrder(source(chunks), 2, writes.write, async (item, beside) => {
      seen.push(`${item.msgids[0]} beside [${beside.map((other) => other.msgids[0]).join(',')}]`);
    }));

    // c repeats b's msgid x, so it waited for b and was written beside nothing
    expect(seen).toEqual(['a beside []', 'b beside [a]', 'c beside []']);
  });

  it('when one write fails, then the error surfaces only after the write beside it has finished', async () => {
    const log: string[] = [];
    const write = async (item: EncodedChunk) => {
      const name = item.msgids[0]!;
      if (name === 'a') throw new Error('chunk a refused');
      await sleep(30);
      log.push(`end ${name}`);
      return name;
    };

    await expect(collect(writeInOrder(source([chunk('a', ['a']), chunk('b', ['b'])]), 2, write))).rejects.toThrow('chunk a refused');
    expect(log).toEqual(['end b']);
  });
});
