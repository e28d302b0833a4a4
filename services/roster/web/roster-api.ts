import { api, uploadWithProgress, type UploadProgress } from '@doitcrm/ui';
import type {
  ClassDetail, CommitReport, DraftEdit, ImportKind, ImportPage, ImportPreview, ImportSummary, Namesake, RevealedPhone, RosterConfigInfo, RosterStudent,
  SectionNode, StaffRef,
} from './api-types.ts';

export const fetchConfig = () => api.get<RosterConfigInfo>('/api/config');

export function uploadRoster(file: File, kind: ImportKind | 'auto', onProgress: (progress: UploadProgress) => void, signal: AbortSignal): Promise<ImportPreview> {
  const form = new FormData();
  if (kind !== 'auto') form.append('kind', kind);
  form.append('file', file, file.name);
  return uploadWithProgress<ImportPreview>('/api/imports', form, onProgress, signal);
}

export const fetchPreview = (id: number) => api.get<ImportPreview>(`/api/imports/${id}`);
export const editPreview = (id: number, edits: DraftEdit[]) => api.patch<ImportPreview>(`/api/imports/${id}/draft`, { edits });
export const commitPreview = (id: number, token: string) => api.post<{ report: CommitReport; import: ImportSummary }>(`/api/imports/${id}/commit`, { token });
export const discardPreview = (id: number) => api.delete<void>(`/api/imports/${id}`);
export const fetchImports = (before: number | null) => api.get<ImportPage>('/api/imports', { limit: 20, before });
export const undoImport = (id: number) => api.post<{ restored: number; nationalIdsRemoved: number; import: ImportSummary }>(`/api/imports/${id}/undo`);

export const fetchHierarchy = (includeInactive: boolean) => api.get<SectionNode[]>('/api/hierarchy', { includeInactive });
export const fetchStaff = () => api.get<StaffRef[]>('/api/staff');
export const fetchClass = (id: number) => api.get<ClassDetail>(`/api/classes/${id}`);
export const fetchClassStudents = (id: number) => api.get<RosterStudent[]>(`/api/classes/${id}/students`);
/** one guardian's whole number; the server records who asked */
export const revealPhone = (contactId: number) => api.post<RevealedPhone>(`/api/contacts/${contactId}/reveal`);
export const createClass = (body: Record<string, unknown>) => api.post<ClassDetail>('/api/classes', body);
export const updateClass = (id: number, body: Record<string, unknown>) => api.patch<ClassDetail>(`/api/classes/${id}`, body);
export const updateStudent = (id: number, body: Record<string, unknown>) => api.patch<void>(`/api/students/${id}`, body);
export const fetchNamesakes = (id: number) => api.get<Namesake[]>(`/api/students/${id}/namesakes`);
export const mergeStudent = (id: number, intoStudentId: number) => api.post<void>(`/api/students/${id}/merge`, { intoStudentId });
export const splitStudent = (id: number, classId: number) => api.post<{ studentId: number }>(`/api/students/${id}/split`, { classId });
export const moveStudent = (id: number, fromClassId: number, toClassId: number) => api.post<void>(`/api/students/${id}/move`, { fromClassId, toClassId });

/** `staffOnly`: the file names pupils, so the server refuses it to viewers and the page does not offer it to them */
export const EXPORTS = [
  { label: '班级 CSV', href: '/api/export/classes.csv', staffOnly: false },
  { label: '学员 CSV', href: '/api/export/students.csv', staffOnly: true },
  { label: '矩阵花名册 CSV', href: '/api/export/matrix.csv', staffOnly: true },
] as const;
