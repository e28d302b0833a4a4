import { Worker } from 'node:worker_threads';
import type { EncodedChunk } from './chunk-encoder.ts';
import type { ParseWorkerInput, ParseWorkerMessage } from './parse-worker.ts';
import { ArchiveInputError } from './line-limits.ts';

/**
 * Runs the parse worker and hands its chunks out in file order. The worker stays at most `window` chunks ahead,
 * so memory is bounded whatever the file's size. Chunks the worker sent before failing are handed out first, so
 * the lines before a bad spot of the file are loaded.
 */
export async function* parsedChunks(input: ParseWorkerInput): AsyncGenerator<EncodedChunk> {
  const worker = new Worker(new URL('./parse-worker-entry.mjs', import.meta.url), { workerData: input, resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 } });
  const queue: ParseWorkerMessage[] = [];
  let notify: (() => void) | undefined;
  let exitError: Error | undefined;
  worker.on('message', (message: ParseWorkerMessage) => { queue.push(message); notify?.(); });
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
