import { z } from 'zod';
import { ID_KINDS, PERSON_ROLES } from './domain.ts';
import { dispatchSendSchema } from './dispatch.ts';

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

const idType = z.enum(['user_id', 'room_id']);
// a blank filter field from a page's form means "no filter", not a bad value
const blankAsAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' || value === null ? undefined : value), schema.optional());

/**
 * The filter fields of the mapper's list query (`MappingQuery` without its paging): the lists and the jobs over
 * "what the list shows" read the same filter. Dates are Beijing days, both inclusive.
 */
export const mappingFilterSchema = z.object({
  keyword: blankAsAbsent(z.string().max(200)),
  state: blankAsAbsent(z.enum(['mapped', 'unmapped'])),
  role: blankAsAbsent(z.enum([...PERSON_ROLES, 'none'])),
  idKind: blankAsAbsent(z.enum(ID_KINDS)),
  nameStatus: blankAsAbsent(z.enum(['pending', 'resolved', 'unresolvable'])),
  room: blankAsAbsent(z.string().max(200)),
  from: blankAsAbsent(z.iso.date()),
  to: blankAsAbsent(z.iso.date()),
});
export type MappingFilter = z.infer<typeof mappingFilterSchema>;

/** Job: fetch WeCom names for every id the filter matches (mapper page → queue → mapper worker). */
export const mapperFetchNamesJobSchema = z.object({
  jobId: z.string().uuid(),
  idType,
  filter: mappingFilterSchema,
  /** only ids never resolved yet (`name_status = 'pending'`): unresolvable ids are not asked again */
  onlyPending: z.boolean(),
  userId: z.number().int().positive().nullable(),
});
export type MapperFetchNamesJob = z.infer<typeof mapperFetchNamesJobSchema>;

/** Job: extract ids from the whole archive, month by month (mapper page → queue → mapper worker). */
export const mapperExtractJobSchema = z.object({
  jobId: z.string().uuid(),
  userId: z.number().int().positive().nullable(),
});
export type MapperExtractJob = z.infer<typeof mapperExtractJobSchema>;

/** Event: people changed mappings (business name, role, notes, students) through the mapper. */
export const mappingChangedSchema = z.object({
  idType,
  originalIds: z.array(z.string().min(1)),
  /** which fields changed, e.g. `businessName`, `userRole`, `students` */
  fields: z.array(z.string().min(1)),
  userId: z.number().int().positive().nullable(),
});
export type MappingChanged = z.infer<typeof mappingChangedSchema>;

/**
 * Event: the roster in the database changed (an import committed or was undone, or an operator edited classes or
 * students). Consumers (dashboard, mapper) re-read what they need; the ids narrow the work.
 */
export const rosterChangedSchema = z.object({
  reason: z.enum(['import', 'undo', 'edit']),
  importId: z.number().int().positive().nullable(),
  classIds: z.array(z.number().int().positive()),
  studentIds: z.array(z.number().int().positive()),
  userId: z.number().int().positive().nullable(),
});
export type RosterChanged = z.infer<typeof rosterChangedSchema>;

/** Job: an AI summary of one person's or a cohort's messages (messages page → queue → messages worker → Coze). */
export const messagesSummarizeJobSchema = z.object({
  jobId: z.string().uuid(),
  summaryId: z.number().int().positive(),
  userId: z.number().int().positive().nullable(),
});
export type MessagesSummarizeJob = z.infer<typeof messagesSummarizeJobSchema>;

/**
 * Event: the dashboard or contacts-sync raised a new alert (the dispatcher may push it to WeCom). contacts-sync raises
 * `churn_risk` when a follow relation is lost; its alert ids start at 1,000,000,000 so they never meet the dashboard's.
 */
export const alertRaisedSchema = z.object({
  alertId: z.number().int().positive(),
  kind: z.enum(['silent_parent', 'churn_risk', 'slow_response', 'keyword', 'sync_health']),
  severity: z.enum(['info', 'warning', 'critical']),
  classId: z.number().int().positive().nullable(),
  title: z.string().min(1),
  /** a link into the messages page (`/?user=`, `/?room=`, `/?msg=`) with the evidence */
  evidenceUrl: z.string().min(1).nullable(),
});
export type AlertRaised = z.infer<typeof alertRaisedSchema>;

/** Job: one WeCom contacts sync run (contacts-sync API → queue → contacts-sync worker); the run row holds the rest. */
export const contactsSyncJobSchema = z.object({
  jobId: z.string().uuid(),
  runId: z.number().int().positive(),
  mode: z.enum(['full', 'incremental']),
  userId: z.number().int().positive().nullable(),
});
export type ContactsSyncJob = z.infer<typeof contactsSyncJobSchema>;

/** Job: one 小鹅通 → Feishu Bitable sync run (feishu-sync API → queue → feishu-sync worker); the run row holds the rest. */
export const feishuSyncJobSchema = z.object({
  jobId: z.string().uuid(),
  runId: z.number().int().positive(),
  userId: z.number().int().positive().nullable(),
});
export type FeishuSyncJob = z.infer<typeof feishuSyncJobSchema>;

/** Job: the rollback of one feishu-sync run (feishu-sync API → queue → feishu-sync worker); same fields as the sync's. */
export const feishuRollbackJobSchema = feishuSyncJobSchema;
export type FeishuRollbackJob = z.infer<typeof feishuRollbackJobSchema>;

/**
 * Event: WeCom names contacts-sync learned or saw change (staff, customers, customer groups), so the mapper names
 * ids without a WeCom call of its own. `kind` is the id's kind as idKindOf derives it.
 */
export const contactsChangedSchema = z.object({
  source: z.enum(['sync', 'callback']),
  runId: z.number().int().positive().nullable(),
  names: z.array(z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    kind: z.enum(ID_KINDS),
  })).max(1000),
});
export type ContactsChanged = z.infer<typeof contactsChangedSchema>;

/**
 * Event: phones contacts-sync knows for WeCom people — a staff member's mobile, a customer's remark mobiles — so the
 * dispatcher can send a WeCom message's SMS fallback to the person without reading the contacts schema. An empty
 * `mobiles` says the phone is gone. Not published yet: contacts-sync keeps remark mobiles masked only (its README).
 */
export const contactsPhonesSchema = z.object({
  phones: z.array(z.object({
    id: z.string().min(1).max(64),
    kind: z.enum(['staff', 'customer']),
    mobiles: z.array(z.string().min(1).max(32)).max(20),
  })).max(1000),
});
export type ContactsPhones = z.infer<typeof contactsPhonesSchema>;

/**
 * The job queues and the payload each one carries, one schema per queue: kit's submitJob checks a payload against
 * it before sending, and consumeJob checks it again on arrival, so both ends read one contract.
 */
export const jobPayloadSchemas = {
  'etl.import': etlImportJobSchema,
  'mapper.fetch-names': mapperFetchNamesJobSchema,
  'mapper.extract': mapperExtractJobSchema,
  'messages.summarize': messagesSummarizeJobSchema,
  'contacts.sync': contactsSyncJobSchema,
  'feishu.sync': feishuSyncJobSchema,
  'feishu.rollback': feishuRollbackJobSchema,
} as const;
export type JobQueue = keyof typeof jobPayloadSchemas;
export type JobPayload<Q extends JobQueue> = z.infer<(typeof jobPayloadSchemas)[Q]>;

/**
 * The single registry of message types (the events and the job queues): publisher and consumer both look the
 * schema up here, so a contract can only change in one place.
 */
export const messageSchemas = {
  'chat.ingested': chatIngestedSchema,
  'mapping.changed': mappingChangedSchema,
  'roster.changed': rosterChangedSchema,
  'alert.raised': alertRaisedSchema,
  'contacts.changed': contactsChangedSchema,
  'contacts.phones': contactsPhonesSchema,
  'dispatch.send': dispatchSendSchema,
  ...jobPayloadSchemas,
} as const;
export type MessageType = keyof typeof messageSchemas;
export type MessagePayload<T extends MessageType> = z.infer<(typeof messageSchemas)[T]>;
