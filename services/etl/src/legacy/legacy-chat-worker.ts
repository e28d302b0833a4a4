// The read + parse stage of a legacy chat import, on its own thread: the original's rows stream in through one
// COPY … TO STDOUT and are parsed and encoded here while the parent's connections write the chunks before them.
import { parentPort, workerData } from 'node:worker_threads';
import { to as copyTo } from 'pg-copy-streams';
import type { ParseWorkerMessage } from '../domain/parse-worker.ts';
import { chatCopySql, chunkOfRows, copyRowBatches, msgidsOf } from './legacy-chat-rows.ts';
import { openLegacy, type ChatSchema, type LegacySchema } from './legacy-source.ts';

export interface LegacyChatWorkerInput {
  fromUrl: string;
  schema: LegacySchema;
  table: ChatSchema;
  runId: number;
  batchSize: number;
  /** chunks parsed ahead of the writer at most */
  window: number;
  /** ask about every batch (a preview's counts rest on it), not only while batches are mostly stored already */
  probeAlways: boolean;
}

const input = workerData as LegacyChatWorkerInput;
const port = parentPort!;
let credits = input.window;
let wakeUp: (() => void) | undefined;
let asked = 0;
const answers = new Map<number, { resolve: (value: string[]) => void; reject: (error: Error) => void }>();
port.on('message', (message: { type: string; id?: number; value?: string[]; error?: string }) => {
  if (message.type === 'credit') {
    credits += 1;
    wakeUp?.();
  } else if (message.type === 'answer') {
    const waiting = answers.get(message.id!)!;
    answers.delete(message.id!);
    if (message.error !== undefined) waiting.reject(new Error(message.error));
    else waiting.resolve(message.value!);
  }
});

/** The msgids of these that this installation stores already (the parent asks its own database). */
function storedHere(msgids: string[]): Promise<string[]> {
  asked += 1;
  const id = asked;
  return new Promise((resolve, reject) => {
    answers.set(id, { resolve, reject });
    port.postMessage({ type: 'ask', id, question: msgids });
  });
}

async function waitForCredit(): Promise<void> {
  while (credits <= 0) await new Promise<void>((resolve) => { wakeUp = resolve; });
  credits -= 1;
}

async function run(): Promise<void> {
  const legacy = await openLegacy(input.fromUrl);
  try {
    // a first import finds nothing stored and stops asking, as the archive import does; a rerun keeps asking and
    // parses nothing it has
    let probing = true;
    let lineNo = 1;
    const stream = legacy.query(copyTo(chatCopySql(input.schema, input.table)));
    for await (const batch of copyRowBatches(stream, input.batchSize)) {
      let known = new Set<string>();
      if (probing) {
        const msgids = msgidsOf(batch);
        const stored = await storedHere(msgids);
        known = new Set(stored);
        probing = input.probeAlways || stored.length * 2 >= msgids.length;
      }
      const chunk = chunkOfRows(batch, lineNo, known, input.runId);
      lineNo += chunk.lines;
      await waitForCredit();
      port.postMessage({ type: 'chunk', chunk } satisfies ParseWorkerMessage, [chunk.copyText.buffer as ArrayBuffer]);
    }
    port.postMessage({ type: 'done' } satisfies ParseWorkerMessage);
  } finally {
    await legacy.end().catch(() => {});
  }
}

run().catch((error: unknown) => {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies ParseWorkerMessage);
});
