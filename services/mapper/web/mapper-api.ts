import { api, withQuery } from '@doitcrm/ui';
import type {
  BulkChange, ClassOption, ConnectionTestResult, ExtractStarted, FetchNamesRequest, IdType, ItemList, MapperStats,
  MappingChange, MappingFilter, MappingPage, RoomMapping, StudentOption, SuggestionKind, SuggestionPage, UserGroup,
  UserMapping, WecomStatus,
} from './api-types.ts';

export const PAGE_SIZE = 50;

export const fetchStats = () => api.get<MapperStats>('/api/stats');

export const startExtraction = () => api.post<ExtractStarted>('/api/extract');

/** One page of a tab; only the filters that are set go into the query. */
export function fetchMappings<T extends IdType>(idType: T, filter: MappingFilter, cursor: string | null, signal?: AbortSignal) {
  return api.get<MappingPage<T extends 'user_id' ? UserMapping : RoomMapping>>(
    `/api/mappings/${idType}`,
    { ...cleanFilter(filter), limit: PAGE_SIZE, cursor },
    signal,
  );
}

export function saveMapping<T extends IdType>(idType: T, originalId: string, change: MappingChange) {
  return api.put<T extends 'user_id' ? UserMapping : RoomMapping>(`/api/mappings/${idType}/${encodeURIComponent(originalId)}`, change);
}

export const bulkChange = (body: BulkChange) => api.post<{ updated: number }>('/api/mappings/bulk', body);

export const csvUrl = (idType: IdType, filter: MappingFilter) => withQuery('/api/mappings.csv', { idType, ...cleanFilter(filter) });

export const fetchClasses = (keyword: string) => api.get<ItemList<ClassOption>>('/api/classes', { keyword: keyword || undefined });

export const linkClassRoom = (classId: number, roomId: string | null, force = false) =>
  api.put<ClassOption>(`/api/classes/${classId}/room`, force ? { roomId, force } : { roomId });

export const searchStudents = (keyword: string, signal?: AbortSignal) =>
  api.get<ItemList<StudentOption>>('/api/students', { keyword, limit: 20 }, signal);

export const fetchUserGroups = (userId: string) => api.get<ItemList<UserGroup>>(`/api/user-groups/${encodeURIComponent(userId)}`);

export const fetchSuggestions = (kind: SuggestionKind, cursor: string | null) =>
  api.get<SuggestionPage>('/api/suggestions', { kind, limit: 50, cursor });

export const startFetchNames = (body: FetchNamesRequest) => api.post<{ jobId: string }>('/api/fetch-names', body);

export const fetchWecomStatus = () => api.get<WecomStatus>('/api/wecom/status');

export const testWecomConnection = () => api.get<ConnectionTestResult>('/api/wecom/test-connection');

/** Drops empty strings, so "全部" in a select sends nothing rather than `role=`. */
export function cleanFilter(filter: MappingFilter): MappingFilter {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (typeof value === 'string' && value.trim() !== '') clean[key] = value.trim();
  }
  return clean as MappingFilter;
}
