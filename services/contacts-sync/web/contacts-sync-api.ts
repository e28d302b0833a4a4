import { api } from '@doitcrm/ui';
import type {
  ContactDetail, ContactFilterOptions, ContactListItem, ScheduleName, ScheduleSettings, ScheduleSettingsInput, SyncAccepted, SyncAlerts,
  SyncHealth, SyncMetrics, SyncRun, SyncStatus, SyncTest,
} from '../src/contract.ts';

export type * from '../src/contract.ts';

export const fetchStatus = () => api.get<SyncStatus>('/api/v1/wecom/sync/status');
export const startSync = (mode: SyncRun['mode']) => api.post<SyncAccepted>(`/api/v1/wecom/sync/contacts?mode=${mode}`);
export const testConnection = () => api.post<SyncTest>('/api/v1/wecom/sync/test');
export const fetchSchedules = () => api.get<ScheduleSettings>('/api/v1/wecom/sync/schedules');
export const saveSchedules = (input: ScheduleSettingsInput) => api.put<ScheduleSettings>('/api/v1/wecom/sync/schedules', input);
export const fetchHealth = () => api.get<SyncHealth>('/api/v1/wecom/monitor/health');
export const fetchMetrics = (days: number) => api.get<SyncMetrics>('/api/v1/wecom/monitor/metrics', { days });
export const fetchAlerts = () => api.get<SyncAlerts>('/api/v1/wecom/monitor/alerts');
export const fetchFilterOptions = () => api.get<ContactFilterOptions>('/api/contact-filters');
export const fetchContact = (id: string) => api.get<ContactDetail>(`/api/contacts/${encodeURIComponent(id)}`);

export interface ContactQuery { q: string; tag: string | null; staff: string | null; status: string | null }
export const searchContacts = (query: ContactQuery, after: string | null) =>
  api.get<{ items: ContactListItem[]; next: string | null }>('/api/contacts', { q: query.q.trim() || null, tag: query.tag, staff: query.staff, status: query.status, after, limit: 30 });

export const MODE_LABELS: Record<SyncRun['mode'], string> = { full: '全量', incremental: '增量' };
export const RUN_STATE_LABELS: Record<SyncRun['state'], string> = {
  queued: '排队中', running: '进行中', succeeded: '成功', failed: '失败', abandoned: '已中断',
};
export const CONTACT_STATUS_LABELS: Record<ContactListItem['status'], string> = { normal: '正常', deleted: '已删除', blocked: '已拉黑' };
export const FOLLOW_STATUS_LABELS: Record<ContactListItem['follows'][number]['status'], string> = {
  active: '跟进中', lost: '已流失', deleted_by_customer: '客户删除了员工', deleted_by_staff: '员工删除了客户',
};
// the contract's titles too, repeated here so the page imports only types from it (zod stays out of the bundle)
export const SCHEDULE_TITLES: Record<ScheduleName, string> = { incremental: '增量同步', full: '全量同步', cleanup: '每周清理' };
export const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
export const SCHEDULE_ORDER: ScheduleName[] = ['incremental', 'full', 'cleanup'];
