import { api } from '@doitcrm/ui';
import type { AlertRule, AlertRuleBody, AlertRuleList } from '../src/contract.ts';

export type { AlertRule, AlertRuleBody } from '../src/contract.ts';

export const fetchAlertRules = () => api.get<AlertRuleList>('/api/alert-rules');
export const createAlertRule = (body: AlertRuleBody) => api.post<AlertRule>('/api/alert-rules', body);
export const saveAlertRule = (id: number, body: AlertRuleBody) => api.put<AlertRule>(`/api/alert-rules/${id}`, body);
export const deleteAlertRule = (id: number) => api.delete<void>(`/api/alert-rules/${id}`);
