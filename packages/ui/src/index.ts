export { ApiError, api, apiRequest, errorMessage, onUnauthorized, uploadWithProgress, withQuery } from './api.ts';
export type { ErrorBody, ErrorDetail, QueryValue, RequestOptions, UploadProgress } from './api.ts';
export { createServiceApp, mountServicePage } from './create-app.ts';
export type { MountPageOptions } from './create-app.ts';
export {
  DISPLAY_TIME_ZONE,
  formatBeijingDate,
  formatBeijingTime,
  formatBytes,
  formatCount,
  formatDuration,
  formatRate,
  formatRelative,
} from './format.ts';
export { lazyChart } from './lazy-chart.ts';
export { JOB_STATUS_LABELS, asJobSnapshot, isTerminalStatus } from './jobs.ts';
export type { JobSnapshot, JobStatus } from './jobs.ts';
export { ROLE_LABELS, useSession } from './session.ts';
export { useCursorList } from './use-cursor-list.ts';
export type { CursorPage } from './use-cursor-list.ts';
export { fetchOnMounted, runTracked, useLoader } from './use-loader.ts';
export { useMediaQuery } from './use-media-query.ts';
export { useProgressiveRows } from './use-progressive-rows.ts';
export type { SessionState, SessionUser, UserRole } from './session.ts';
export { default as ApiErrorAlert } from './ApiErrorAlert.vue';
export { default as AppShell } from './AppShell.vue';
export { default as FileDrop } from './FileDrop.vue';
export { default as JobProgress } from './JobProgress.vue';
export { default as LoginView } from './LoginView.vue';
export { default as StatCard } from './StatCard.vue';
