import { api } from '@doitcrm/ui';
import type { ConfigEntry, ConfigList, DeliveryStatus, MessagePage, MessageStatus, Overview, Realtime, RetryResult, Trace } from '../src/contract.ts';

export { CHANNEL_RECEIPTS } from '../src/contract.ts';

export type * from '../src/contract.ts';

export interface MessageFilters {
  recipient: string;
  templateId: number | null;
  status: MessageStatus | null;
  delivery: DeliveryStatus | null;
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

export const DELIVERY_LABELS: Record<DeliveryStatus, string> = { delivered: '已送达', undelivered: '未送达', unknown: '未知' };

/** A message a person may send again: it failed, or a receipt said it never arrived. */
export const canRetry = (message: { status: MessageStatus; deliveryStatus: DeliveryStatus | null }) =>
  message.status === 'failed' || (message.status === 'sent' && message.deliveryStatus === 'undelivered');

export const STAGE_LABELS: Record<string, string> = {
  queued: '入队', held: '暂缓（定时/免打扰）', processing: '开始发送', sent: '发送成功', failed: '发送失败', callback: '送达回执',
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

/** What each key's fields mean, under its title on the 配置 tab. */
export const CONFIG_HINTS: Record<string, string> = {
  limits: 'channels.<渠道>：rate（limit 条 / windowMs 毫秒）、dailyCap 每日上限、concurrency 并发；perRecipient 每个收件人的限额（企业微信每人每分钟 30 条）；providers.<服务商> 同理。超出限额的消息顺延，不丢弃。',
  'workers.concurrency': '每个进程每个渠道同时发送的消息数（1–256），预取数随之调整。',
  quiet_hours: 'enabled 是否启用；start / end 为北京时间 HH:MM（可跨午夜）；bypassPriority 及以上的优先级不受限制；channels 适用的渠道。',
  fallback: 'enabled：主渠道永久失败时，是否改用模板设置的备用模板再发一次。',
  dedupe: 'windowSeconds：同一模板、收件人、内容在此秒数内只发送一次（0 为不去重）。',
  digest: 'enabled 是否合并；windowSeconds 时间窗；同一告警在窗口内达到 threshold 条后合并为一条摘要。',
  retry: 'maxAttempts：临时性失败最多尝试的次数（含第一次），退避间隔见队列拓扑。',
  'traces.retention_days': '追踪记录保留天数（1–90），过期后汇总进每日统计。',
};
