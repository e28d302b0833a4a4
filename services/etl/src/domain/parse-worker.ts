// The parse stage of an import, on its own thread: reading, decompressing, JSON parsing and COPY encoding run on
// the second core while PostgreSQL works on the first, instead of taking turns with it.
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { buildChunk, leadingMsgids, type ConflictMode } from './chunk-builder.ts';
import { encodeChunk } from './chunk-encoder.ts';
import { readLineBatches } from './line-source.ts';
import { ArchiveInputError, type LineLimits } from './line-limits.ts';

export interface ParseWorkerInput {
  filePath: string;
  conflict: ConflictMode;
  batchSize: number;
  databaseUrl: string;
  runId: number;
  /** chunks parsed ahead of the writer at most */
  window: number;
  limits: LineLimits;
}

export type ParseWorkerMessage =
  | { type: 'chunk'; chunk: import('./chunk-encoder.ts').EncodedChunk }
  | { type: 'done' }
  /** `input`: the file's content is the problem (see ArchiveInputError), so retrying cannot help */
  | { type: 'error'; message: string; input?: { zh: string; en: string } };

const input = workerData as ParseWorkerInput;
const port = parentPort!;
let credits = input.window;
let wakeUp: (() => void) | undefined;
port.on('message', (message: { type: string }) => {
  if (message.type === 'credit') {
    credits += 1;
    wakeUp?.();
  }
});

async function waitForCredit(): Promise<void> {
  while (credits <= 0) await new Promise<void>((resolve) => { wakeUp = resolve; });
  credits -= 1;
}

/**
 * In skip mode, lines whose msgid is stored already are not parsed at all: that is what makes a re-import fast.
 * The look-up stops as soon as a batch is mostly new (a first import pays for it once).
 */
async function openProbe(): Promise<{ known(lines: string[]): Promise<Set<string>>; close(): Promise<void> }> {
  let active = input.conflict === 'skip';
  let client: pg.Client | undefined;
  if (active) {
    client = new pg.Client({ connectionString: input.databaseUrl, application_name: 'doitcrm-etl-probe' });
    client.on('error', () => { active = false; });
    await client.connect().catch(() => { active = false; });
  }
  return {
    async known(lines) {
      if (!active || !client) return new Set();
      try {
        const ids = leadingMsgids(lines);
        const { rows } = await client.query<{ msgid: string }>('SELECT msgid FROM chat.messages WHERE msgid = ANY($1::text[])', [ids]);
        active = rows.length * 2 >= lines.length;
        return new Set(rows.map((row) => row.msgid));
      } catch {
        // only an optimisation: without it every line is parsed and the database skips what it has
        active = false;
        return new Set();
      }
    },
    close: async () => { await client?.end().catch(() => {}); },
  };
}

async function run(): Promise<void> {
  const probe = await openProbe();
  try {
    for await (const batch of readLineBatches(input.filePath, input.batchSize, input.limits)) {
      const known = await probe.known(batch.lines);
      const chunk = encodeChunk(buildChunk(batch.lines, batch.firstLineNo, input.conflict, known, batch.overlong), batch.bytesRead, input.runId);
      await waitForCredit();
      port.postMessage({ type: 'chunk', chunk } satisfies ParseWorkerMessage, [chunk.copyText.buffer as ArrayBuffer]);
    }
    port.postMessage({ type: 'done' } satisfies ParseWorkerMessage);
  } finally {
    await probe.close();
  }
}

run().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const inputError = error instanceof ArchiveInputError ? { zh: error.zh, en: error.en } : undefined;
  port.postMessage({ type: 'error', message, input: inputError } satisfies ParseWorkerMessage);
});
