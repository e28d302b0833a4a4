import { api } from '@doitcrm/ui';
import type { ConfigEntry, ConfigList, MessagePage, MessageStatus, Overview, Realtime, RetryResult, Trace } from '../src/contract.ts';

export type * from '../src/contract.ts';

export interface MessageFilters {
  recipient: string;
  templateId: number | null;
  status: MessageStatus | null;
  batchId: string;
  from: string | null;
  to: string | null;
}

export const fetchOverview = () => api.get<Overview>('/api/messages/statistics/overview');
export const fetchRealtime = () => api.get<Realtime>('/api/messages/statistics/realtime');
export const searchMessages = (filters: MessageFilters, cursor: string | null) =>
  api.get<MessagePage>('/api/messages', { ...filters, recipient: filters.recipient.trim() || null, batchId: filters.batchId.trim() || null, cursor, limit: 30 });
export const fetchTrace = (traceId: string) => api.get<Trace>(`/api/messages/traces/${encodeURIComponent(traceId)}`);
export const retryMessage = (id: number) => api.post<RetryResult>(`/api/messages/${id}/retry`);
export const retryFailed = (scope: { batch_id: string } | { template_id: number }) => api.post<RetryResult>('/api/messages/retry-failed', scope);
export const fetchConfigs = () => api.get<ConfigList>('/api/config/configs');
export const saveConfig = (key: string, value: unknown, version: number) => api.put<ConfigEntry>(`/api/config/configs/${encodeURIComponent(key)}`, { value, version });

export const STATUS_LABELS: Record<MessageStatus, string> = {
  pending: '等待发送时间', queued: '排队中', processing: '发送中', retrying: '等待重试', deferred: '限流顺延', sent: '已发送', failed: '失败', cancelled: '已取消',
};

export const STAGE_LABELS: Record<string, string> = {
  queued: '入队', held: '暂缓（定时/免打扰）', processing: '开始发送', sent: '发送成功', failed: '发送失败', callback: '回执',
  retry: '重试', deferred: '限流顺延', fallback: '改用备用渠道',
};

export const CONFIG_TITLES: Record<string, string> = {
  limits: '限流（渠道 / 服务商 / 每个收件人）',
  'workers.concurrency': '每个渠道的并发数',
  quiet_hours: '免打扰时段（北京时间）',
  fallback: '备用渠道',
  dedupe: '去重窗口',
  digest: '告警合并',
  retry: '重试次数',
  'traces.retention_days': '追踪保留天数',
};
