import { z } from 'zod';
import { fieldMappingSchema, SOURCE_FIELDS } from './domain/columns.ts';

/** The API's shapes (the page to come imports only this file). Times are ISO 8601 with offset; phones always masked. */

export { fieldMappingSchema };

export const rowErrorSchema = z.object({ row: z.number(), column: z.string(), message: z.string() }).meta({ id: 'RowError' });

export const previewRowSchema = z.object({
  line: z.number(), userId: z.string(), nickname: z.string(), course: z.string(), studyDate: z.string(),
  phone: z.string().nullable().describe('masked (138****5678)'),
});

export const uploadAnswerSchema = z.object({
  uploadId: z.number(),
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().nullable().describe('what the file was read as: UTF-8, UTF-8（带 BOM）or GBK / GB18030; null for xlsx'),
  columns: z.record(z.enum(SOURCE_FIELDS), z.string()).describe('the column found for each field'),
  totalRows: z.number(),
  validRows: z.number(),
  errors: z.array(rowErrorSchema).describe('every bad cell, by row (header = 1) and column; the first 1,000'),
  errorCount: z.number(),
  preview: z.array(previewRowSchema),
  maxUploadMb: z.number(),
}).meta({ id: 'UploadAnswer' });

export const settingsSchema = z.object({
  maxUploadMb: z.number(),
  feishuConfigured: z.boolean().describe('false: FEISHU_APP_ID / secret / app token / table ids are not all set, so dry runs, syncs and rollbacks answer 409'),
}).meta({ id: 'FeishuSyncSettings' });

export const uploadIdBodySchema = z.object({ uploadId: z.coerce.number().int().positive() });

const plannedStudent = z.object({ userId: z.string(), nickname: z.string(), phone: z.string().nullable() });
const plannedRecord = z.object({ userId: z.string(), course: z.string(), studyDate: z.string() });
export const dryRunSchema = z.object({
  uploadId: z.number(),
  counts: z.object({
    newStudents: z.number(), changedStudents: z.number(), newRecords: z.number(), skippedRecords: z.number(), duplicateRows: z.number(), rowErrors: z.number(),
  }),
  newStudents: z.array(plannedStudent).describe('the first 200'),
  changedStudents: z.array(z.object({ userId: z.string(), changes: z.array(z.object({ field: z.string(), before: z.string().nullable(), after: z.string() })) })),
  newRecords: z.array(plannedRecord),
  skippedRecords: z.array(plannedRecord).describe('already in 学习记录表 (same 用户ID + 课程 + 学习日期)'),
  reads: z.object({ students: z.number(), records: z.number(), pages: z.number() }),
  calls: z.number().describe('Feishu API calls this dry run spent'),
}).meta({ id: 'DryRun' });

export const runSchema = z.object({
  id: z.number(),
  uploadId: z.number().nullable().describe('null once the upload was deleted after FEISHU_SYNC_UPLOAD_RETENTION_DAYS'),
  fileName: z.string().nullable().describe('the uploaded file\'s name, kept after the upload is deleted'),
  totalRows: z.number().nullable().describe('data rows in the file (bad rows included)'),
  jobId: z.string().nullable(),
  rollbackJobId: z.string().nullable().describe('the latest rollback job: `GET /jobs/:id/events` streams its progress'),
  state: z.enum(['queued', 'running', 'succeeded', 'failed', 'rolled_back']),
  counters: z.record(z.string(), z.number()),
  error: z.string().nullable(),
  calls: z.number().describe('Feishu API calls spent, retries and token fetches included'),
  durationMs: z.number().nullable(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  rolledBackAt: z.string().nullable(),
}).meta({ id: 'SyncRun' });

export const runListSchema = z.object({ items: z.array(runSchema) });
export const runListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const runIdParams = z.object({ id: z.coerce.number().int().positive() });
export const runAcceptedSchema = z.object({ runId: z.number(), jobId: z.string() });
export const rollbackBodySchema = z.object({
  wait: z.boolean().default(true).describe('false: answer 202 with the job at once (the page follows its progress); true: answer when it ended'),
});
export const rollbackAcceptedSchema = z.object({ runId: z.number(), jobId: z.string() });
export const rollbackSchema = z.object({
  runId: z.number(),
  restored: z.number().describe('students whose changed cells were written back'),
  deleted: z.number().describe('records the run created that are gone now, alreadyGone included'),
  alreadyGone: z.number().describe('of those, records already gone from Feishu before the rollback (deleted by hand, or the fake restarted)'),
  notRestored: z.array(z.string()).describe('record ids of changed students gone from Feishu: their old cells could not be written back'),
}).meta({ id: 'Rollback' });

export const connectionSchema = z.object({
  ok: z.boolean(),
  credentials: z.boolean(),
  tables: z.array(z.object({
    table: z.enum(['students', 'records']),
    ok: z.boolean(),
    error: z.string().nullable(),
    missing: z.array(z.string()),
    mistyped: z.array(z.object({ field: z.string(), expected: z.string(), actual: z.string() })),
  })),
  calls: z.number(),
}).meta({ id: 'ConnectionTest' });

export type Settings = z.infer<typeof settingsSchema>;
export type RowError = z.infer<typeof rowErrorSchema>;
export type UploadAnswer = z.infer<typeof uploadAnswerSchema>;
export type DryRun = z.infer<typeof dryRunSchema>;
export type SyncRunView = z.infer<typeof runSchema>;
export type RunList = z.infer<typeof runListSchema>;
export type RunAccepted = z.infer<typeof runAcceptedSchema>;
export type Rollback = z.infer<typeof rollbackSchema>;
export type ConnectionReport = z.infer<typeof connectionSchema>;
export type { FieldMapping, SourceField } from './domain/columns.ts';
