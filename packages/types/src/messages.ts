import { z } from 'zod';

const isoTime = z.string().datetime({ offset: true });

/** Event: an archive import run committed (published by etl on `doitcrm.events`). */
export const chatIngestedSchema = z.object({
  runId: z.number().int().positive(),
  inserted: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  minMsgtime: isoTime.nullable(),
  maxMsgtime: isoTime.nullable(),
});
export type ChatIngested = z.infer<typeof chatIngestedSchema>;

/** Job: import an uploaded archive file (etl page → queue → etl worker). */
export const etlImportJobSchema = z.object({
  jobId: z.string().uuid(),
  filePath: z.string().min(1),
  originalName: z.string().min(1),
  conflict: z.enum(['skip', 'update']),
  userId: z.number().int().positive().nullable(),
});
export type EtlImportJob = z.infer<typeof etlImportJobSchema>;

/**
 * The single registry of message types: publisher and consumer both look the schema up here,
 * so a contract can only change in one place.
 */
export const messageSchemas = {
  'chat.ingested': chatIngestedSchema,
  'etl.import': etlImportJobSchema,
} as const;
export type MessageType = keyof typeof messageSchemas;
export type MessagePayload<T extends MessageType> = z.infer<(typeof messageSchemas)[T]>;
