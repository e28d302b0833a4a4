import type { Pool, Queryable } from '@doitcrm/kit';
import type { EncodedChunk } from '../domain/chunk-encoder.ts';
import { workerChunks } from '../domain/chunk-source.ts';
import { addChunkCounts, emptyChunkCounts, MessageWriter, type ChunkCounts } from '../data-access/message-writer.ts';
import { writeInOrder } from '../domain/parallel-writes.ts';
import type { LegacyChatWorkerInput } from './legacy-chat-worker.ts';
import type { ChatSchema, LegacySchema } from './legacy-source.ts';

/**
 * One chat table of the original as the ETL writer takes it: read, parsed and encoded on a worker thread (see
 * legacy-chat-worker.ts), at most `window` chunks ahead of the writer. The worker asks this side which msgids are
 * stored here already; those rows are counted unchanged and never parsed.
 */
export function legacyChatChunks(
  fromUrl: string, schema: LegacySchema, table: ChatSchema, target: Queryable, runId: number, options: { window: number; probeAlways: boolean; batchSize?: number },
): AsyncGenerator<EncodedChunk> {
  const input: LegacyChatWorkerInput = { fromUrl, schema, table, runId, batchSize: options.batchSize ?? 2_000, window: options.window, probeAlways: options.probeAlways };
  return workerChunks(new URL('./legacy-chat-worker-entry.mjs', import.meta.url), input, (msgids) => storedMsgids(target, msgids as string[]));
}

async function storedMsgids(db: Queryable, msgids: string[]): Promise<string[]> {
  const { rows } = await db.query<{ msgid: string }>('SELECT msgid FROM chat.messages WHERE msgid = ANY($1::text[])', [msgids]);
  return rows.map((row) => row.msgid);
}

/**
 * Loads the original's chat tables through the ETL's own writer (COPY, quarantine with the msgid's row and reason,
 * recall linking, the run's counters), on two connections at once like an archive file.
 */
export async function writeLegacyChat(
  fromUrl: string, schema: LegacySchema, pool: Pool, runId: number, onBatch: (totals: ChunkCounts) => void, lanes = 2,
): Promise<ChunkCounts> {
  const totals = emptyChunkCounts();
  for (const table of schema.chatTables) {
    const writers = Array.from({ length: lanes }, () => new MessageWriter(pool, runId, `${table}.wecom_chat_logs`, 'skip'));
    try {
      const chunks = legacyChatChunks(fromUrl, schema, table, pool, runId, { window: lanes, probeAlways: false });
      for await (const counts of writeInOrder(chunks, lanes, (chunk, lane) => writers[lane]!.writeChunk(chunk), (chunk, beside, lane) => writers[lane]!.linkAcross(chunk, beside))) {
        addChunkCounts(totals, counts);
        onBatch(totals);
      }
    } finally {
      for (const writer of writers) writer.close();
    }
  }
  return totals;
}

/** What a chat import would do, without writing: each row classified as the writer would (new, stored here already, quarantined). */
export async function previewLegacyChat(fromUrl: string, schema: LegacySchema, target: Queryable): Promise<{ counts: ChunkCounts; quarantined: Array<{ table: string; msgid: string; reason: string }> }> {
  const counts = emptyChunkCounts();
  const quarantined: Array<{ table: string; msgid: string; reason: string }> = [];
  for (const table of schema.chatTables) for await (const chunk of legacyChatChunks(fromUrl, schema, table, target, 0, { window: 2, probeAlways: true })) {
    counts.lines += chunk.lines;
    counts.inserted += chunk.msgids.length;
    counts.unchanged += chunk.knownUnchanged;
    counts.quarantined += chunk.quarantined.length;
    for (const line of chunk.quarantined) quarantined.push({ table: `${table}.wecom_chat_logs`, msgid: msgidOf(line.rawText), reason: line.reason });
  }
  return { counts, quarantined };
}

function msgidOf(text: string): string {
  return /"msgid"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? '?';
}
