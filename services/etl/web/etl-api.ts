import { api, uploadWithProgress, type UploadProgress } from '@doitcrm/ui';
import type { ConflictMode, EtlConfig, EtlStats, ImportAccepted, Page, QuarantinedLine, Run } from './api-types.ts';

export const fetchStats = () => api.get<EtlStats>('/api/stats');

export const fetchConfig = () => api.get<EtlConfig>('/api/config');

export const fetchRuns = (before: number | null, limit = 20) => api.get<Page<Run>>('/api/runs', { limit, before });

export const fetchQuarantine = (runId: number, afterLine: number | null, limit = 50) =>
  api.get<Page<QuarantinedLine>>(`/api/runs/${runId}/quarantine`, { limit, afterLine });

export const reportDownloadUrl = (runId: number) => `/api/runs/${runId}/report`;

export const quarantineDownloadUrl = (runId: number) => `/api/runs/${runId}/quarantine.jsonl`;

/** The server reads the fields in order, so `conflict` goes before the file it applies to. */
export function startImport(
  file: File,
  conflict: ConflictMode,
  onProgress: (progress: UploadProgress) => void,
  signal: AbortSignal,
): Promise<ImportAccepted> {
  const form = new FormData();
  form.append('conflict', conflict);
  form.append('file', file, file.name);
  return uploadWithProgress<ImportAccepted>('/api/imports', form, onProgress, signal);
}
