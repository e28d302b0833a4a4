import { api } from '@doitcrm/ui';
import type { QuietHoursOverride, Template, TemplateList, TemplatePreview } from '../src/contract.ts';

export type * from '../src/contract.ts';

export type VariableValues = Record<string, string | number | boolean>;

/** What the editor sends: a template's fields as the API takes them. */
export interface TemplateDraft {
  name: string;
  channel: Template['channel'];
  subject: string | null;
  body: string;
  sampleVariables: VariableValues;
  active: boolean;
  fallbackTemplateId: number | null;
  webhookUrl: string | null;
  webhookSecretRef: string | null;
  providerTemplate: string | null;
  /** null = the global quiet_hours setting */
  quietHours: QuietHoursOverride;
}

export const fetchTemplates = (channel: string | null, search: string) =>
  api.get<TemplateList>('/api/templates', { channel, search: search || null });
export const createTemplate = (draft: TemplateDraft) => api.post<Template>('/api/templates', draft);
export const saveTemplate = (id: number, draft: TemplateDraft) => api.put<Template>(`/api/templates/${id}`, draft);
export const setTemplateActive = (id: number, active: boolean) => api.post<Template>(`/api/templates/${id}/${active ? 'activate' : 'deactivate'}`);
export const deleteTemplate = (id: number) => api.delete<void>(`/api/templates/${id}`);
export const previewTemplate = (draft: Pick<TemplateDraft, 'channel' | 'subject' | 'body'>, variables: VariableValues) =>
  api.post<TemplatePreview>('/api/templates/preview', { ...draft, variables });
