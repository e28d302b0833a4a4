/**
 * The JSON the mapper API answers with: one definition for the server, the page (`web/`), the tests and `/docs`.
 * Zod schemas, each type inferred from its schema; the page imports only the types. Times are ISO 8601 with offset.
 * Request shapes are the schemas the routes validate with (entry-points/api/mapping-schemas.ts).
 */
import { z } from 'zod';
import { GUARDIAN_RELATIONS, ID_KINDS, PERSON_ROLES } from '@doitcrm/types';
import { mappingChangeSchema, type bulkChangeSchema, type idTypeParam, type mappingQuerySchema } from './entry-points/api/mapping-schemas.ts';
import type { fetchNamesBody } from './entry-points/api/wecom-routes.ts';

export type IdType = z.infer<typeof idTypeParam>;
const idType = z.enum(['user_id', 'room_id']);
export const nameStatusSchema = z.enum(['pending', 'resolved', 'unresolvable']);
export type NameStatus = z.infer<typeof nameStatusSchema>;

/**
 * The one definition of "mapped", used by stats, filters and the page: a business name and a role; a parent also
 * needs at least one student. A room is mapped when it has a business name or is linked to a class.
 */
export const mappingStateSchema = z.enum(['mapped', 'unmapped']);
export type MappingState = z.infer<typeof mappingStateSchema>;

const classRef = z.object({ classId: z.number(), name: z.string(), levelName: z.string(), sectionName: z.string() });

export const studentLinkSchema = z.object({
  studentId: z.number(),
  name: z.string(),
  englishName: z.string().nullable(),
  status: z.string(),
  relation: z.enum(GUARDIAN_RELATIONS),
  isPrimary: z.boolean(),
  classes: z.array(classRef).describe('the student\'s classes, "段 阶 班级" order'),
});
export type StudentLink = z.infer<typeof studentLinkSchema>;

const mappingBase = z.object({
  id: z.number(),
  idType,
  originalId: z.string(),
  idKind: z.enum(ID_KINDS),
  wecomNickname: z.string().nullable(),
  businessName: z.string().nullable(),
  notes: z.string().nullable(),
  nameStatus: nameStatusSchema,
  nameError: z.string().nullable().describe('why WeCom will not name this id (e.g. "84061 not an external contact"), when nameStatus is unresolvable'),
  state: mappingStateSchema,
  firstSeenAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type MappingBase = z.infer<typeof mappingBase>;

export const userMappingSchema = mappingBase.extend({
  idType: z.literal('user_id'),
  userRole: z.enum(PERSON_ROLES).nullable(),
  students: z.array(studentLinkSchema),
  sent: z.number().describe('messages sent in the list\'s date window (all time without one)'),
  received: z.number(),
  lastRoom: z.object({ roomId: z.string(), name: z.string().nullable(), at: z.string() }).nullable().describe('the group this id was last active in'),
}).meta({ id: 'UserMapping' });
export type UserMapping = z.infer<typeof userMappingSchema>;

export const roomMappingSchema = mappingBase.extend({
  idType: z.literal('room_id'),
  linkedClass: classRef.nullable(),
  memberCount: z.number().describe('members seen in the archive (senders and recipients)'),
  messageCount: z.number(),
}).meta({ id: 'RoomMapping' });
export type RoomMapping = z.infer<typeof roomMappingSchema>;

/** `GET /api/mappings/:idType` query: every filter optional; `cursor` from the previous page. */
export type MappingQuery = Omit<z.input<typeof mappingQuerySchema>, 'limit'> & { limit?: number }; // coerced: callers send a number

export const mappingPageSchema = <T extends z.ZodType>(item: T) => z.object({
  items: z.array(item),
  total: z.number().describe('rows matching the filters, all pages'),
  nextCursor: z.string().nullable(),
});
/** Generic over the item, so a TS type in the shape mappingPageSchema builds. */
export interface MappingPage<T> { items: T[]; total: number; nextCursor: string | null }

/** `PUT /api/mappings/:idType/:originalId` and each item of `POST /api/mappings/bulk`: only the fields given change. */
export type MappingChange = z.input<typeof mappingChangeSchema>;
export type BulkChange = z.input<typeof bulkChangeSchema>;
export const bulkChangeResultSchema = z.object({ updated: z.number(), fields: z.array(z.string()) });

const count = z.number();
export const mapperStatsSchema = z.object({
  rooms: z.object({ total: count, mapped: count, unmapped: count, linkedToClass: count }),
  users: z.object({
    total: count, mapped: count, unmapped: count,
    byRole: z.record(z.enum(PERSON_ROLES), count),
    byKind: z.partialRecord(z.enum(ID_KINDS), count),
    names: z.record(nameStatusSchema, count),
  }),
  lastExtraction: z.object({ at: z.string(), wholeArchive: z.boolean(), seenIds: count, newIds: count }).nullable()
    .describe('the latest extraction, after an import run or over the whole archive on demand'),
});
export type MapperStats = z.infer<typeof mapperStatsSchema>;

export const classOptionSchema = z.object({
  id: z.number(),
  name: z.string(),
  roomId: z.string().nullable(),
  levelName: z.string(),
  sectionName: z.string(),
  roomName: z.string().nullable().describe('the room mapping\'s display name when linked'),
}).meta({ id: 'ClassOption' });
export type ClassOption = z.infer<typeof classOptionSchema>;

export const studentOptionSchema = z.object({
  id: z.number(),
  name: z.string(),
  englishName: z.string().nullable(),
  status: z.string(),
  classes: z.array(z.object({ classId: z.number(), name: z.string() })),
});
export type StudentOption = z.infer<typeof studentOptionSchema>;

export const suggestionKindSchema = z.enum(['role', 'student', 'class']);
export type SuggestionKind = z.infer<typeof suggestionKindSchema>;

/** A proposal the user accepts (through the bulk/PUT endpoints) or ignores; never applied silently. */
export const suggestionSchema = z.object({
  kind: suggestionKindSchema,
  idType,
  originalId: z.string(),
  displayName: z.string(),
  change: z.union([mappingChangeSchema, z.object({ classId: z.number() })]).describe('what would change, in the shape of a MappingChange (role/student) or a class link (class)'),
  confidence: z.number().min(0).max(1),
  reason: z.string().describe('why, in Chinese, for the person deciding'),
});
export type Suggestion = z.infer<typeof suggestionSchema>;

/** `POST /api/extract` answer (202): the whole-archive job to follow, a running one if there is one already. */
export const extractStartedSchema = z.object({ jobId: z.string(), alreadyRunning: z.boolean() });
export type ExtractStarted = z.infer<typeof extractStartedSchema>;

/** The finished extraction job's `result`: ids seen in the archive, the ones new to the mapping table, activity rows. */
export const extractResultSchema = z.object({
  seenIds: z.number(),
  newIds: z.number(),
  activityRows: z.number(),
  applied: z.boolean().describe('false when this import run had been handled already (a redelivered event)'),
});
export type ExtractResult = z.infer<typeof extractResultSchema>;

/** `POST /api/fetch-names` body; answered 202 with `{ jobId }`. */
export type FetchNamesRequest = z.input<typeof fetchNamesBody>;
export const jobStartedSchema = z.object({ jobId: z.string() });

/** The finished nickname job's `result`. */
export const fetchNamesResultSchema = z.object({
  total: z.number().describe('identities the job matched (ids that appeared while it ran included)'),
  resolved: z.number(),
  unresolvable: z.number(),
  failed: z.number().describe('still failing transiently after retries: left pending for a later job'),
  skipped: z.number().describe('matched when the job began but gone when reached (resolved by another job, renamed out of the filter, deleted)'),
  unresolvableSamples: z.array(z.object({ originalId: z.string(), reason: z.string() })),
});
export type FetchNamesResult = z.infer<typeof fetchNamesResultSchema>;

/** `GET /api/wecom/status`: what the page shows about the WeCom set-up; never a secret. */
export const wecomStatusSchema = z.object({ configured: z.boolean(), baseUrl: z.string(), corpId: z.string().nullable(), archiveSecret: z.boolean() });
export type WecomStatus = z.infer<typeof wecomStatusSchema>;

/** `GET /api/wecom/test-connection`: the first thing that is wrong, in the order an operator fixes it. */
export type { ConnectionTestResult } from '@doitcrm/wecom';

/** `GET /api/user-groups/:userId` item: a group the user sent to or received in. */
export const userGroupSchema = z.object({ roomId: z.string(), name: z.string().nullable(), messageCount: z.number(), lastAt: z.string() });
export type UserGroup = z.infer<typeof userGroupSchema>;

/** The list answers that are not pages: classes, students, a user's groups. */
export const itemListSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
export interface ItemList<T> { items: T[] }

/** `GET /api/suggestions`: proposals, never applied by the server itself. */
export const suggestionPageSchema = z.object({ items: z.array(suggestionSchema), nextCursor: z.string().nullable() });
export type SuggestionPage = z.infer<typeof suggestionPageSchema>;
