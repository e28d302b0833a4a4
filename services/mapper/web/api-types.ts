/** The JSON the mapper API answers with: the server's own contract. */
export type {
  BulkChange, ClassOption, ConnectionTestResult, ExtractResult, ExtractStarted, FetchNamesRequest, FetchNamesResult, IdType, ItemList, MapperStats,
  MappingChange, MappingPage, MappingQuery, MappingState, NameStatus, RoomMapping, StudentLink, StudentOption, Suggestion, SuggestionKind,
  SuggestionPage, UserGroup, UserMapping, WecomStatus,
} from '../src/contract.ts';
export type { GuardianRelation, IdKind, PersonRole } from '@doitcrm/types';

import type { MappingQuery } from '../src/contract.ts';

/** The filters of one tab, as the filter bar edits them (no paging fields). */
export type MappingFilter = Omit<MappingQuery, 'limit' | 'cursor'>;
