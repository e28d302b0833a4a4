/**
 * The JSON the mapper API answers with: one definition for the server, the page (`web/`) and the tests.
 * Types only. Times are ISO 8601 with offset.
 */
import type { GuardianRelation, IdKind, PersonRole } from '@doitcrm/types';

export type IdType = 'user_id' | 'room_id';
export type NameStatus = 'pending' | 'resolved' | 'unresolvable';

/**
 * The one definition of "mapped", used by stats, filters and the page: a business name and a role; a parent also
 * needs at least one student. A room is mapped when it has a business name or is linked to a class.
 */
export type MappingState = 'mapped' | 'unmapped';

export interface StudentLink {
  studentId: number;
  name: string;
  englishName: string | null;
  status: string;
  relation: GuardianRelation;
  isPrimary: boolean;
  /** the student's classes, "段 阶 班级" order */
  classes: Array<{ classId: number; name: string; levelName: string; sectionName: string }>;
}

export interface MappingBase {
  id: number;
  idType: IdType;
  originalId: string;
  idKind: IdKind;
  wecomNickname: string | null;
  businessName: string | null;
  notes: string | null;
  nameStatus: NameStatus;
  /** why WeCom will not name this id (e.g. "84061 not an external contact"), when nameStatus is unresolvable */
  nameError: string | null;
  state: MappingState;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  updatedAt: string;
}

export interface UserMapping extends MappingBase {
  idType: 'user_id';
  userRole: PersonRole | null;
  students: StudentLink[];
  /** messages sent / received in the list's date window (all time without one) */
  sent: number;
  received: number;
  /** the group this id was last active in */
  lastRoom: { roomId: string; name: string | null; at: string } | null;
}

export interface RoomMapping extends MappingBase {
  idType: 'room_id';
  linkedClass: { classId: number; name: string; levelName: string; sectionName: string } | null;
  /** members seen in the archive (senders and recipients) */
  memberCount: number;
  messageCount: number;
}

/** `GET /api/mappings/:idType` query: every filter optional; `cursor` from the previous page. */
export interface MappingQuery {
  keyword?: string;
  state?: MappingState;
  role?: PersonRole | 'none';
  idKind?: IdKind;
  nameStatus?: NameStatus;
  /** users active in this room (id or business name) */
  room?: string;
  /** Beijing dates YYYY-MM-DD, both inclusive */
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface MappingPage<T> {
  items: T[];
  /** rows matching the filters, all pages */
  total: number;
  nextCursor: string | null;
}

/** `PUT /api/mappings/:idType/:originalId` and each item of `POST /api/mappings/bulk`: only the fields given change. */
export interface MappingChange {
  businessName?: string | null;
  userRole?: PersonRole | null;
  notes?: string | null;
  /** the full set of students of a parent (replaces the previous set) */
  students?: Array<{ studentId: number; relation: GuardianRelation; isPrimary?: boolean }>;
}

export interface BulkChange {
  idType: IdType;
  originalIds: string[];
  change: MappingChange;
}

export interface MapperStats {
  rooms: { total: number; mapped: number; unmapped: number; linkedToClass: number };
  users: {
    total: number; mapped: number; unmapped: number;
    byRole: Record<PersonRole, number>;
    byKind: Partial<Record<IdKind, number>>;
    names: Record<NameStatus, number>;
  };
  /** the latest extraction, after an import run or over the whole archive on demand */
  lastExtraction: { at: string; wholeArchive: boolean; seenIds: number; newIds: number } | null;
}

export interface ClassOption {
  id: number;
  name: string;
  roomId: string | null;
  levelName: string;
  sectionName: string;
  /** the room mapping's display name when linked */
  roomName: string | null;
}

export interface StudentOption {
  id: number;
  name: string;
  englishName: string | null;
  status: string;
  classes: Array<{ classId: number; name: string }>;
}

export type SuggestionKind = 'role' | 'student' | 'class';

/** A proposal the user accepts (through the bulk/PUT endpoints) or ignores; never applied silently. */
export interface Suggestion {
  kind: SuggestionKind;
  idType: IdType;
  originalId: string;
  displayName: string;
  /** what would change, in the shape of a MappingChange (role/student) or a class link (class) */
  change: MappingChange | { classId: number };
  /** 0..1 */
  confidence: number;
  /** why, in Chinese, for the person deciding */
  reason: string;
}

/** `POST /api/extract` answer (202): the whole-archive job to follow, a running one if there is one already. */
export interface ExtractStarted {
  jobId: string;
  alreadyRunning: boolean;
}

/** The finished extraction job's `result`: ids seen in the archive, the ones new to the mapping table, activity rows. */
export interface ExtractResult {
  seenIds: number;
  newIds: number;
  activityRows: number;
  /** false when this import run had been handled already (a redelivered event) */
  applied: boolean;
}

/** `POST /api/fetch-names` body; answered 202 with `{ jobId }`. */
export interface FetchNamesRequest {
  idType: IdType;
  filter?: Omit<MappingQuery, 'limit' | 'cursor'>;
  /** only ids whose name was never fetched (the default); ids WeCom cannot name are not asked again */
  onlyPending?: boolean;
}

/** The finished nickname job's `result`. */
export interface FetchNamesResult {
  /** identities the job matched (ids that appeared while it ran included) */
  total: number;
  resolved: number;
  unresolvable: number;
  /** still failing transiently after retries: left pending for a later job */
  failed: number;
  /** matched when the job began but gone when reached (resolved by another job, renamed out of the filter, deleted) */
  skipped: number;
  unresolvableSamples: Array<{ originalId: string; reason: string }>;
}

/** `GET /api/wecom/status`: what the page shows about the WeCom set-up; never a secret. */
export interface WecomStatus {
  configured: boolean;
  baseUrl: string;
  corpId: string | null;
  archiveSecret: boolean;
}

/** `GET /api/wecom/test-connection`: the first thing that is wrong, in the order an operator fixes it. */
export type { ConnectionTestResult } from '@doitcrm/wecom';

/** `GET /api/user-groups/:userId` item: a group the user sent to or received in. */
export interface UserGroup {
  roomId: string;
  name: string | null;
  messageCount: number;
  lastAt: string;
}

/** The list answers that are not pages: classes, students, a user's groups. */
export interface ItemList<T> {
  items: T[];
}

/** `GET /api/suggestions`: proposals, never applied by the server itself. */
export interface SuggestionPage {
  items: Suggestion[];
  nextCursor: string | null;
}
