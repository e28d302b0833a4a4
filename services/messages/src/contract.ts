/**
 * The messages service's API shapes, shared by the routes, the page (`web/`, types only), the tests and `/docs`:
 * zod schemas, each type inferred from its schema. Times are ISO 8601 with offset.
 */
import { z } from 'zod';
import { PERSON_ROLES } from '@doitcrm/types';
import type { kindParam } from './entry-points/api/schemas.ts';

export const personRoleSchema = z.enum(PERSON_ROLES);
export type PersonRole = z.infer<typeof personRoleSchema>;
/** the visible switch of the person search: parents (and not yet classified ids) or staff */
export type PersonKind = z.infer<typeof kindParam>;

export const studentRefSchema = z.object({
  name: z.string(),
  englishName: z.string().nullable(),
  className: z.string().nullable(),
  levelName: z.string().nullable(),
  sectionName: z.string().nullable(),
});
export type StudentRef = z.infer<typeof studentRefSchema>;

export const personSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  businessName: z.string().nullable(),
  nickname: z.string().nullable(),
  role: personRoleSchema.nullable(),
  idKind: z.string(),
  students: z.array(studentRefSchema),
}).meta({ id: 'Person' });
export type Person = z.infer<typeof personSchema>;

export const searchUsersResponseSchema = z.object({ count: z.number(), users: z.array(personSchema) });
export type SearchUsersResponse = z.infer<typeof searchUsersResponseSchema>;

/** A message rendered for reading: every msgtype gets a label and readable text, never HTML. */
export const messageContentSchema = z.object({
  type: z.string().describe('text | image | voice | video | file | link | weapp | doc | chatrecord | … (the archive msgtype)'),
  label: z.string().describe('Chinese label of the type, e.g. 图片'),
  text: z.string().nullable().describe('the readable text (message text, title, file name); null for bare media'),
  detail: z.string().nullable().describe('secondary line: file size, voice length, link description, chat-record lines'),
  recalled: z.boolean(),
});
export type MessageContent = z.infer<typeof messageContentSchema>;

export const messageViewSchema = z.object({
  msgid: z.string(),
  msgtime: z.string(),
  msgtype: z.string(),
  roomId: z.string().nullable(),
  fromId: z.string().nullable(),
  senderName: z.string(),
  senderRole: personRoleSchema.nullable(),
  unmappedParent: z.boolean().describe('sender has no complete mapping (business name, role, and for parents a student) and is not staff'),
  content: messageContentSchema,
  direction: z.enum(['sent', 'received']).optional().describe('in a person\'s view: sent by that person (我) or by someone else'),
  isContext: z.boolean().optional().describe('in a person\'s group view: a message of someone else shown around the person\'s own'),
}).meta({ id: 'MessageView' });
export type MessageView = z.infer<typeof messageViewSchema>;

const nextCursor = z.string().nullable().describe('opaque keyset cursor of the next (older) page; null on the last page');
export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor });
/** Generic over the item, so a TS type in the shape pageSchema builds. */
export interface Page<T> { items: T[]; nextCursor: string | null }

export const conversationSummarySchema = z.object({
  key: z.string().describe('room id for groups; `private:<peer id>` for 1:1'),
  type: z.enum(['group', 'private']),
  name: z.string(),
  peerId: z.string().nullable(),
  roomId: z.string().nullable(),
  messageCount: z.number().describe('messages of the person in the window (sent, and for 1:1 also received)'),
  firstMessageTime: z.string(),
  lastMessageTime: z.string(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const userMessagesResponseSchema = z.object({
  person: personSchema,
  startTime: z.string(),
  endTime: z.string(),
  conversations: z.array(conversationSummarySchema),
  conversationKey: z.string().nullable(),
  lastActivityTime: z.string().nullable().describe('the person\'s latest message of all time, so the page can offer that month when the window is empty'),
  messages: pageSchema(messageViewSchema),
});
export type UserMessagesResponse = z.infer<typeof userMessagesResponseSchema>;

export const roomTreeClassSchema = z.object({ classId: z.number(), className: z.string(), roomId: z.string(), roomName: z.string() });
export type RoomTreeClass = z.infer<typeof roomTreeClassSchema>;
export const roomTreeLevelSchema = z.object({ levelId: z.number(), levelName: z.string(), classes: z.array(roomTreeClassSchema) });
export type RoomTreeLevel = z.infer<typeof roomTreeLevelSchema>;
export const roomTreeSectionSchema = z.object({ sectionId: z.number(), sectionName: z.string(), levels: z.array(roomTreeLevelSchema) });
export type RoomTreeSection = z.infer<typeof roomTreeSectionSchema>;
export const roomTreeSchema = z.object({
  classRooms: z.array(roomTreeSectionSchema),
  otherRooms: z.array(z.object({ roomId: z.string(), roomName: z.string(), notes: z.string().nullable() })),
});
export type RoomTree = z.infer<typeof roomTreeSchema>;

export const roomStatsSchema = z.object({
  totalRooms: z.number(),
  classRoomsCount: z.number(),
  otherRoomsCount: z.number(),
  todayMessages: z.number(),
  weekMessages: z.number(),
  activeRoomsToday: z.number(),
});
export type RoomStats = z.infer<typeof roomStatsSchema>;

export const roomDetailSchema = z.object({
  roomId: z.string(),
  roomName: z.string(),
  notes: z.string().nullable(),
  classId: z.number().nullable(),
  className: z.string().nullable(),
  levelName: z.string().nullable(),
  sectionName: z.string().nullable(),
  stats: z.object({
    totalMessages: z.number(),
    activeMembers: z.number(),
    firstMessageTime: z.string().nullable(),
    lastMessageTime: z.string().nullable(),
    messages7Days: z.number(),
    messagesToday: z.number(),
  }),
  members: z.array(z.object({ id: z.string(), name: z.string(), role: personRoleSchema.nullable(), messageCount: z.number(), lastActive: z.string().nullable() })),
});
export type RoomDetail = z.infer<typeof roomDetailSchema>;

/** `GET /api/room-messages`: a page of the group's messages, newest first. */
export const roomMessagesResponseSchema = pageSchema(messageViewSchema).extend({ roomId: z.string() });

export const snippetPartSchema = z.object({ text: z.string(), hit: z.boolean() });
export type SnippetPart = z.infer<typeof snippetPartSchema>;
export const searchHitSchema = messageViewSchema.extend({ snippet: z.array(snippetPartSchema), roomName: z.string().nullable() }).meta({ id: 'SearchHit' });
export type SearchHit = z.infer<typeof searchHitSchema>;
export const searchResponseSchema = pageSchema(searchHitSchema).extend({
  term: z.string(),
  searchedTo: z.string().nullable().describe(
    'a single-character search reads a bounded number of messages a call: when it stopped before the page filled, the time (ISO 8601) it searched back to; nextCursor goes on from there. null otherwise'),
});
export type SearchResponse = z.infer<typeof searchResponseSchema>;

export const messageContextResponseSchema = z.object({
  conversation: z.union([
    z.object({ type: z.literal('group'), roomId: z.string(), name: z.string() }),
    z.object({ type: z.literal('private'), ids: z.tuple([z.string(), z.string()]), name: z.string() }),
  ]),
  target: messageViewSchema,
  newer: z.array(messageViewSchema).describe('up to 10 newer messages, oldest first'),
  older: pageSchema(messageViewSchema).describe('the target and older messages, newest first'),
});
export type MessageContextResponse = z.infer<typeof messageContextResponseSchema>;

export const filterOptionsSchema = z.object({
  sections: z.array(z.object({ id: z.number(), name: z.string() })),
  levels: z.array(z.object({ id: z.number(), name: z.string(), sectionId: z.number() })),
  classes: z.array(z.object({ id: z.number(), name: z.string(), roomId: z.string().nullable(), levelId: z.number(), sectionId: z.number() })),
});
export type FilterOptions = z.infer<typeof filterOptionsSchema>;

export const cohortMemberSchema = personSchema.extend({ messageCount: z.number().describe('messages the person sent in the chosen window') });
export type CohortMember = z.infer<typeof cohortMemberSchema>;
export const filterUsersResponseSchema = z.object({
  count: z.number(),
  truncated: z.boolean().describe('true when more people matched than the limit returned'),
  users: z.array(cohortMemberSchema),
});
export type FilterUsersResponse = z.infer<typeof filterUsersResponseSchema>;

export const aggregatedPersonSchema = z.object({
  person: personSchema,
  total: z.number().describe('the person\'s messages in the window (sent, and 1:1 received)'),
  messages: z.array(messageViewSchema).describe('the newest `maxMessagesPerUser` of them, oldest first'),
});
export type AggregatedPerson = z.infer<typeof aggregatedPersonSchema>;
export const aggregateResponseSchema = z.object({
  totalUsers: z.number(),
  totalMessages: z.number(),
  maxMessagesPerUser: z.number(),
  people: z.array(aggregatedPersonSchema),
  text: z.string(),
});
export type AggregateResponse = z.infer<typeof aggregateResponseSchema>;

export const summaryModeSchema = z.enum(['parent', 'teacher']);
export type SummaryMode = z.infer<typeof summaryModeSchema>;
export const summaryStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type SummaryStatus = z.infer<typeof summaryStatusSchema>;
export const summaryRecordSchema = z.object({
  id: z.number(),
  jobId: z.string().nullable(),
  mode: summaryModeSchema,
  subjectIds: z.array(z.string()),
  subjectNames: z.array(z.string()),
  windowStart: z.string(),
  windowEnd: z.string(),
  maxPerPerson: z.number(),
  messageCount: z.number().nullable(),
  botId: z.string(),
  status: summaryStatusSchema,
  summary: z.string().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
}).meta({ id: 'Summary' });
export type SummaryRecord = z.infer<typeof summaryRecordSchema>;
export const summariesStatusSchema = z.object({
  enabled: z.boolean(),
  message: z.string().nullable().describe('why summaries are off, in Chinese, naming the settings to add'),
});
export type SummariesStatus = z.infer<typeof summariesStatusSchema>;
export const summaryStartedSchema = z.object({ summaryId: z.number(), jobId: z.string() });
