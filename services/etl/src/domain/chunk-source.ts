import { Worker } from 'node:worker_threads';
import type { EncodedChunk } from './chunk-encoder.ts';
import type { ParseWorkerInput, ParseWorkerMessage } from './parse-worker.ts';
import { ArchiveInputError } from './line-limits.ts';

/** A question a worker asks its parent mid-stream (the legacy reader's "which of these msgids are stored here?"). */
export interface WorkerQuestion { type: 'ask'; id: number; question: unknown }

/**
 * Runs a chunk-producing worker and hands its chunks out in order. The worker stays at most `window` chunks ahead
 * (one credit back per chunk taken), so memory is bounded whatever the source's size. Chunks the worker sent before
 * failing are handed out first, so the rows before a bad spot are loaded. `answer` replies to its questions.
 */
export async function* workerChunks(
  entry: URL, workerData: unknown, answer?: (question: unknown) => Promise<unknown>,
): AsyncGenerator<EncodedChunk> {
  const worker = new Worker(entry, { workerData, resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 } });
  const queue: ParseWorkerMessage[] = [];
  let notify: (() => void) | undefined;
  let exitError: Error | undefined;
  worker.on('message', (message: ParseWorkerMessage | WorkerQuestion) => {
    if (message.type === 'ask') {
      const reply = answer ? answer(message.question) : Promise.reject(new Error('this worker takes no questions'));
      // a failed answer fails the worker's read, which then reports it as its error
      reply.then((value) => worker.postMessage({ type: 'answer', id: message.id, value }), (error: unknown) =>
        worker.postMessage({ type: 'answer', id: message.id, error: error instanceof Error ? error.message : String(error) }));
      return;
    }
    queue.push(message);
    notify?.();
  });
  worker.on('error', (error) => { exitError = error; notify?.(); });
  worker.on('exit', (code) => {
    if (code !== 0 && !exitError) exitError = new Error(`parse worker exited with code ${code}`);
    notify?.();
  });
  try {
    for (;;) {
      while (queue.length === 0) {
        if (exitError) throw exitError;
        await new Promise<void>((resolve) => { notify = resolve; });
        notify = undefined;
      }
      const message = queue.shift()!;
      if (message.type === 'done') return;
      if (message.type === 'error') throw message.input ? new ArchiveInputError(message.input.zh, message.input.en) : new Error(message.message);
      yield message.chunk;
      worker.postMessage({ type: 'credit' });
    }
  } finally {
    await worker.terminate();
  }
}

/** The chunks of an archive file, parsed on the parse worker's thread. */
export function parsedChunks(input: ParseWorkerInput): AsyncGenerator<EncodedChunk> {
  return workerChunks(new URL('./parse-worker-entry.mjs', import.meta.url), input);
}
