/** The JSON the mapper API answers with: the server's own contract, plus the answers it does not (yet) declare. */
export type {
  BulkChange, ClassOption, IdType, MapperStats, MappingChange, MappingPage, MappingQuery, MappingState, NameStatus,
  RoomMapping, StudentLink, StudentOption, Suggestion, SuggestionKind, UserMapping,
} from '../src/contract.ts';
export type { GuardianRelation, IdKind, PersonRole } from '@doitcrm/types';

import type { IdType, MappingQuery, Suggestion } from '../src/contract.ts';

/** `POST /api/extract`: ids seen in the archive, the ones new to the mapping table, activity rows (re)counted. */
export interface ExtractResult {
  seenIds: number;
  newIds: number;
  activityRows: number;
}

/** `POST /api/fetch-names` body. */
export interface FetchNamesRequest {
  idType: IdType;
  filter?: MappingQuery;
  /** only ids whose name was never fetched; ids WeCom cannot name are not asked again */
  onlyPending?: boolean;
}

/** The finished nickname job's `result`. */
export interface FetchNamesResult {
  total: number;
  resolved: number;
  unresolvable: number;
  failed: number;
  skipped: number;
  unresolvableSamples: Array<{ originalId: string; reason: string }>;
}

/** `GET /api/wecom/status`: what is configured, without the secrets themselves. */
export interface WecomStatus {
  configured: boolean;
  baseUrl: string | null;
  corpId: string | null;
  /** whether the chat-archive secret is set (it is tested too) */
  archiveSecret: boolean | string | null;
}

/** `GET /api/wecom/test-connection`: the first thing that is wrong, in the order an operator fixes it. */
export type ConnectionTestResult =
  | { ok: true; corpId: string }
  | {
    ok: false;
    errcode: number | null;
    kind: string;
    hint: string;
    step: 'gettoken' | 'probe';
    secret: 'main' | 'archive';
  };

/** `GET /api/user-groups/:userId` item: a group the user sent to or received in. */
export interface UserGroup {
  roomId: string;
  name: string | null;
  messageCount: number;
  lastAt: string | null;
}

export interface ItemList<T> {
  items: T[];
}

export interface SuggestionPage {
  items: Suggestion[];
  nextCursor: string | null;
}

/** The filters of one tab, as the filter bar edits them (no paging fields). */
export type MappingFilter = Omit<MappingQuery, 'limit' | 'cursor'>;
