import { api, withQuery, type QueryValue } from '@doitcrm/ui';
import type {
  AlertList, Alert, ClassDetails, ClassStatsList, DashboardSettings, HierarchySection, Overview, Trends,
} from '../src/contract.ts';

export type * from '../src/contract.ts';

/** The window the page asks for: a preset number of days, or a custom pair of Beijing dates. */
export interface WindowChoice {
  days: number | null;
  from: string | null;
  to: string | null;
}

export interface Filters {
  sectionId: number | null;
  levelId: number | null;
  teacherId: number | null;
  search: string;
}

const windowQuery = (w: WindowChoice): Record<string, QueryValue> => (w.days ? { days: w.days } : { from: w.from, to: w.to });
const filterQuery = (f: Filters): Record<string, QueryValue> => ({ sectionId: f.sectionId, levelId: f.levelId, teacherId: f.teacherId, search: f.search || null });

export const fetchOverview = (w: WindowChoice) => api.get<Overview>('/api/overview-stats', windowQuery(w));
export const fetchHierarchy = () => api.get<{ hierarchy: HierarchySection[]; teachers: Array<{ staffId: number; name: string }> }>('/api/hierarchy-tree');
export const fetchClassStats = (w: WindowChoice, f: Filters, sort: string, order: string) =>
  api.get<ClassStatsList>('/api/class-stats', { ...windowQuery(w), ...filterQuery(f), sort, order });
export const fetchClassDetails = (classId: number, w: WindowChoice) => api.get<ClassDetails>(`/api/class-details/${classId}`, windowQuery(w));
export const fetchTrends = (groupBy: 'section' | 'class', f: Filters, classId?: number) =>
  api.get<Trends>('/api/trends', { groupBy, ...filterQuery(f), classId });
export const fetchHeatmap = (f: Filters) =>
  api.get<{ weeks: string[]; classes: Array<{ classId: number; name: string; rates: Array<number | null> }>; heat: DashboardSettings['heat'] }>('/api/heatmap', filterQuery(f));
export const fetchAlerts = (kind: string | null, state: string, f: Filters) =>
  api.get<AlertList>('/api/alerts', { kind, state, sectionId: f.sectionId, levelId: f.levelId });
export const changeAlert = (id: number, action: 'ack' | 'reopen') => api.post<Alert>(`/api/alerts/${id}/${action}`);
export const snoozeAlert = (id: number, days: number) => api.post<Alert>(`/api/alerts/${id}/snooze`, { days });
export const fetchSettings = () => api.get<DashboardSettings & { engagementDefinition: string }>('/api/settings');
export const saveSettings = (settings: Omit<DashboardSettings, 'updatedAt'>) => api.put<DashboardSettings>('/api/settings', settings);

export const classReportUrl = (format: 'csv' | 'xlsx', w: WindowChoice, f: Filters | null, classId?: number) =>
  withQuery(`/api/exports/class-report.${format}`, { ...windowQuery(w), ...(f ? filterQuery(f) : {}), classId });
export const alertsExportUrl = (format: 'csv' | 'xlsx', f: Filters) =>
  withQuery(`/api/exports/alerts.${format}`, { sectionId: f.sectionId, levelId: f.levelId });
