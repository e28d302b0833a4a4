import { api, uploadWithProgress, type UploadProgress } from '@doitcrm/ui';
import type {
  ConnectionReport, DryRun, FieldMapping, Rollback, RunAccepted, RunList, Settings, SyncRunView, UploadAnswer,
} from '../src/contract.ts';

export type { ConnectionReport, DryRun, FieldMapping, Rollback, RowError, SourceField, SyncRunView, UploadAnswer } from '../src/contract.ts';

export { FIELD_LABELS, REQUIRED_FIELDS, SOURCE_FIELDS } from './fields.ts';

export const SAMPLE_URL = '/api/sample.csv';
export const errorReportUrl = (runId: number) => `/api/runs/${runId}/errors.csv`;

export const fetchSettings = () => api.get<Settings>('/api/settings');
export const fetchMapping = () => api.get<FieldMapping>('/api/mapping');
export const saveMapping = (mapping: FieldMapping) => api.put<FieldMapping>('/api/mapping', mapping);

export function uploadExport(file: File, onProgress: (progress: UploadProgress) => void): Promise<UploadAnswer> {
  const form = new FormData();
  form.append('file', file, file.name);
  return uploadWithProgress<UploadAnswer>('/api/uploads', form, onProgress);
}

export const dryRun = (uploadId: number) => api.post<DryRun>('/api/dry-run', { uploadId });
export const startRun = (uploadId: number) => api.post<RunAccepted>('/api/runs', { uploadId });
export const fetchRuns = () => api.get<RunList>('/api/runs', { limit: 50 });
export const fetchRun = (id: number) => api.get<SyncRunView>(`/api/runs/${id}`);
/** Starts the rollback job and answers at once; JobProgress follows it. */
export const startRollback = (id: number) => api.post<RunAccepted>(`/api/runs/${id}/rollback`, { wait: false });
export const testConnection = () => api.post<ConnectionReport>('/api/test-connection');

/** What a rollback did, for the message after it: records already gone counted, students gone named. */
export function rollbackText(r: Rollback): string {
  const gone = r.alreadyGone > 0 ? `（其中 ${r.alreadyGone} 条已不在飞书）` : '';
  const missing = r.notRestored.length > 0 ? `；${r.notRestored.length} 位学员已在飞书删除，无法恢复（${r.notRestored.join('、')}）` : '';
  return `已回滚：删除 ${r.deleted} 条${gone}，恢复 ${r.restored} 条${missing}`;
}

/** A run's counters as one line: what it created, changed and skipped. */
export function countersText(c: Record<string, number>): string {
  const parts = [
    `新学员 ${c.studentsCreated ?? 0}`, `更新学员 ${c.studentsUpdated ?? 0}`, `新学习记录 ${c.recordsCreated ?? 0}`, `跳过已有 ${c.recordsSkipped ?? 0}`,
  ];
  if (c.deleted || c.restored) parts.push(`回滚删除 ${c.deleted ?? 0}${c.alreadyGone ? `（其中 ${c.alreadyGone} 条已不在飞书）` : ''}，恢复 ${c.restored ?? 0}`);
  if (c.notRestored) parts.push(`${c.notRestored} 位学员已在飞书删除，无法恢复`);
  return parts.join('，');
}

export const RUN_STATE_LABELS: Record<SyncRunView['state'], string> = {
  queued: '排队中', running: '同步中', succeeded: '已完成', failed: '失败', rolled_back: '已回滚',
};

/** Why a viewer's buttons are grey; the API refuses them too. */
export const VIEWER_REASON = '查看者只能查看：上传、同步、回滚和测试连接需要员工权限';
