import type { z } from 'zod';
import { etlImportJobSchema, mapperExtractJobSchema, mapperFetchNamesJobSchema, messagesSummarizeJobSchema } from './messages.ts';

/**
 * The job queues and the payload each one carries, one schema per queue: kit's submitJob checks a payload against
 * it before sending, and consumeJob checks it again on arrival, so both ends read one contract.
 */
export const jobPayloadSchemas = {
  'etl.import': etlImportJobSchema,
  'mapper.fetch-names': mapperFetchNamesJobSchema,
  'mapper.extract': mapperExtractJobSchema,
  'messages.summarize': messagesSummarizeJobSchema,
} as const;
export type JobQueue = keyof typeof jobPayloadSchemas;
export type JobPayload<Q extends JobQueue> = z.infer<(typeof jobPayloadSchemas)[Q]>;
