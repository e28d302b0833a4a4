import type { EncodedChunk } from './chunk-encoder.ts';

interface InFlight<T> {
  msgids: ReadonlySet<string>;
  chunk: EncodedChunk;
  /** the earlier chunks still being written when this one started */
  concurrentWith: EncodedChunk[];
  result: Promise<T>;
  lane: number;
}

/**
 * Writes chunks on up to `lanes` connections at once and hands their results back in file order. PostgreSQL runs
 * each COPY on its own backend, so two lanes use both cores for the index maintenance that dominates a load. Only
 * chunks with disjoint msgids are ever in flight together: a chunk that repeats a msgid of one still in flight waits
 * for it, so "the first line wins" (skip mode) holds across chunks exactly as when they are written one by one.
 * `written(chunk, concurrentWith, lane)` runs after each chunk, in file order, with the earlier chunks written beside
 * it, while its lane is idle (so it may use that lane's connection).
 */
export async function* writeInOrder<T>(
  chunks: AsyncIterable<EncodedChunk>,
  lanes: number,
  write: (chunk: EncodedChunk, lane: number) => Promise<T>,
  written?: (chunk: EncodedChunk, concurrentWith: EncodedChunk[], lane: number) => Promise<void>,
): AsyncGenerator<T> {
  const inFlight: Array<InFlight<T>> = [];
  const settle = async (): Promise<T> => {
    const head = inFlight[0]!;
    const result = await head.result;
    inFlight.shift();
    await written?.(head.chunk, head.concurrentWith, head.lane);
    return result;
  };
  try {
    for await (const chunk of chunks) {
      const msgids = new Set(chunk.msgids);
      const overlaps = inFlight.some((other) => chunk.msgids.some((id) => other.msgids.has(id)));
      while (inFlight.length > 0 && (overlaps || inFlight.length >= lanes)) yield await settle();
      const busy = new Set(inFlight.map((other) => other.lane));
      const lane = [...Array(lanes).keys()].find((candidate) => !busy.has(candidate))!;
      const result = write(chunk, lane);
      // a failure is rethrown by settle(); until then it must not count as unhandled
      result.catch(() => {});
      inFlight.push({ msgids, chunk, concurrentWith: inFlight.map((other) => other.chunk), result, lane });
    }
    while (inFlight.length > 0) yield await settle();
  } finally {
    // on failure, nothing may still be writing when the caller ends the run
    await Promise.allSettled(inFlight.map((other) => other.result));
  }
}
