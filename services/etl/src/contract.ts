/**
 * The JSON the ETL API answers with: one definition for the server, the page (`web/`), the tests and `/docs`.
 * Zod schemas, each type inferred from its schema; the page imports only the types, so its bundle takes nothing
 * from the server.
 */
import { z } from 'zod';

export const runOriginSchema = z.enum(['cli', 'upload', 'queue', 'bench', 'demo', 'legacy']);
export type RunOrigin = z.infer<typeof runOriginSchema>;
export const runStatusSchema = z.enum(['running', 'succeeded', 'failed']);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const conflictModeSchema = z.enum(['skip', 'update']);
export type ConflictMode = z.infer<typeof conflictModeSchema>;

/** What an import did with the lines of its file; lines = inserted + updated + unchanged + quarantined + duplicatesInFile. */
export const importCountsSchema = z.object({
  lines: z.number(),
  inserted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  quarantined: z.number(),
  duplicatesInFile: z.number(),
});
export type ImportCounts = z.infer<typeof importCountsSchema>;

/** One import of one archive file (`GET /api/runs`). */
export const importRunSchema = importCountsSchema.extend({
  id: z.number(),
  source: z.string(),
  origin: runOriginSchema,
  conflictMode: conflictModeSchema,
  status: runStatusSchema,
  minMsgtime: z.string().nullable(),
  maxMsgtime: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  jobId: z.string().nullable(),
  startedBy: z.number().nullable().describe('the user who started it (null for the CLI and benchmarks)'),
  startedByName: z.string().nullable().describe('that user\'s display name (or username)'),
  bytesTotal: z.number().nullable().describe('size of the file read'),
  hasReport: z.boolean().describe('a migration from an original DoitCRM database: its report is at /api/runs/{id}/report'),
}).meta({ id: 'Run' });
export type ImportRun = z.infer<typeof importRunSchema>;

/** The `result` of a finished `etl.import` job, and the CLI's `--json` line. */
export const importResultSchema = importCountsSchema.extend({ runId: z.number(), durationMs: z.number() });
export type ImportResult = z.infer<typeof importResultSchema>;

export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.number().nullable() });
/** Generic over the item, so a TS type in the shape pageSchema builds. */
export interface Page<T> { items: T[]; nextCursor: number | null }

export const seqGapSchema = z.object({ from: z.number(), to: z.number(), missing: z.number() });
export type SeqGap = z.infer<typeof seqGapSchema>;

export const seqStatsSchema = z.object({ min: z.number(), max: z.number(), gapCount: z.number(), missingTotal: z.number(), gaps: z.array(seqGapSchema) });
export type SeqStats = z.infer<typeof seqStatsSchema>;

export const archiveStatsSchema = z.object({
  totalMessages: z.number(),
  oldestMsgtime: z.string().nullable(),
  newestMsgtime: z.string().nullable(),
  seq: seqStatsSchema.nullable(),
});
export type ArchiveStats = z.infer<typeof archiveStatsSchema>;

/** `GET /api/stats` */
export const etlStatsSchema = archiveStatsSchema.extend({ lastRun: importRunSchema.nullable() });
export type EtlStats = z.infer<typeof etlStatsSchema>;

/** `GET /api/config` */
export const etlConfigInfoSchema = z.object({ maxUploadBytes: z.number(), acceptedExtensions: z.array(z.string()) });
export type EtlConfigInfo = z.infer<typeof etlConfigInfoSchema>;

/** `GET /api/runs/:id/quarantine` items */
export const quarantineItemSchema = z.object({ lineNo: z.number(), reason: z.string(), rawText: z.string() });
export type QuarantineItem = z.infer<typeof quarantineItemSchema>;

/** `POST /api/imports` answers 202 with the job to follow (the run is created when the worker starts it). */
export const importAcceptedSchema = z.object({ jobId: z.string() });
export type ImportAccepted = z.infer<typeof importAcceptedSchema>;
