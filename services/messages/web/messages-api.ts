import { api, withQuery, type QueryValue } from '@doitcrm/ui';
import type {
  AggregateResponse, FilterOptions, FilterUsersResponse, MessageContextResponse, MessageView, Page, PersonKind, RoomDetail, RoomStats, RoomTree,
  SearchResponse, SearchUsersResponse, SummariesStatus, SummaryMode, SummaryRecord, UserMessagesResponse,
} from './api-types.ts';
import { windowQuery, type Window } from './time-window.ts';

export const searchUsers = (keyword: string, kind: PersonKind, signal?: AbortSignal) =>
  api.get<SearchUsersResponse>('/api/search-users', { keyword, kind }, signal);

export const userMessages = (userId: string, window: Window, conversation: string | null, cursor: string | null) =>
  api.get<UserMessagesResponse>('/api/user-messages', { user_id: userId, ...windowQuery(window), conversation, cursor, limit: 50 });

export const roomTree = () => api.get<RoomTree>('/api/room-tree');
export const roomStats = () => api.get<RoomStats>('/api/room-stats');
export const roomDetail = (roomId: string) => api.get<RoomDetail>(`/api/room-detail/${encodeURIComponent(roomId)}`);
export const roomMessages = (roomId: string, window: Window | null, onlyUnmapped: boolean, cursor: string | null) =>
  api.get<Page<MessageView> & { roomId: string }>('/api/room-messages', {
    room_id: roomId, ...(window ? windowQuery(window) : {}), only_unmapped: onlyUnmapped, cursor, limit: 50,
  });

export const messageContext = (msgid: string, cursor: string | null) =>
  api.get<MessageContextResponse>(`/api/message-context/${encodeURIComponent(msgid)}`, { cursor });

export const search = (query: Record<string, QueryValue>) => api.get<SearchResponse>('/api/search', query);

// the search and cohort tabs both ask when they mount: while one call is out, the other shares it
let filterOptionsInFlight: Promise<FilterOptions> | null = null;
export const filterOptions = () => {
  filterOptionsInFlight ??= api.get<FilterOptions>('/api/filter-options').finally(() => {
    filterOptionsInFlight = null;
  });
  return filterOptionsInFlight;
};
export const filterUsers = (filters: Record<string, unknown>) => api.post<FilterUsersResponse>('/api/filter-users', { filters });
export const aggregate = (userIds: string[], window: Window, perPerson: number) =>
  api.post<AggregateResponse>('/api/aggregate-messages', { user_ids: userIds, ...windowQuery(window), max_messages_per_user: perPerson });

export const summariesStatus = () => api.get<SummariesStatus>('/api/summaries/status');
export const createSummary = (userIds: string[], window: Window, mode: SummaryMode) =>
  api.post<{ summaryId: number; jobId: string }>('/api/summaries', { user_ids: userIds, ...windowQuery(window), mode });
export const listSummaries = (userId: string | null) => api.get<{ items: SummaryRecord[] }>('/api/summaries', { user_id: userId, limit: 20 });

export const commSummaryUrl = (minMessages: number) => withQuery('/api/exports/parent-comm-summary.csv', { min_messages: minMessages });

/** Downloads a POST export (the cohort is too long for a URL) through a temporary link. */
export async function downloadCohort(userIds: string[], window: Window, perPerson: number, format: 'csv' | 'txt'): Promise<void> {
  const response = await fetch(`/api/aggregate-messages/export?format=${format}`, {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_ids: userIds, ...windowQuery(window), max_messages_per_user: perPerson }),
  });
  if (!response.ok) throw new Error(`导出失败（${response.status}）`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `cohort-messages.${format}`;
  link.click();
  URL.revokeObjectURL(url);
}
