import type { Alert } from '../contract.ts';
import type { AlertRow } from '../data-access/alert-repository.ts';
import { messagesUrl } from './messages-link.ts';

/** A stored alert as the API shows it: the evidence link points at the messages page on the viewer's host. */
export function toAlert(row: AlertRow, origin: { protocol: string; hostname: string }, messagesPort?: number): Alert {
  const { evidenceQuery, ...alert } = row;
  return { ...alert, messagesUrl: messagesUrl(origin, evidenceQuery, messagesPort) };
}

export const ALERT_KIND_LABELS: Record<Alert['kind'], string> = {
  silent_parent: '长期未沟通',
  churn_risk: '流失风险',
  slow_response: '回复慢',
  keyword: '关键词',
};

export const ALERT_STATE_LABELS: Record<Alert['state'], string> = {
  open: '待处理', acknowledged: '已确认', snoozed: '已暂缓', resolved: '已解除',
};
