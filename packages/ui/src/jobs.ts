export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A background job as `GET /api/jobs/:id` and its event stream report it. */
export interface JobSnapshot<Result = unknown> {
  id: string;
  type: string;
  status: JobStatus;
  progressDone: number;
  progressTotal: number | null;
  message: string | null;
  result: Result | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  queued: '排队中',
  running: '进行中',
  succeeded: '已完成',
  failed: '失败',
  cancelled: '已取消',
};

export function isTerminalStatus(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/** Accepts only what looks like a snapshot, so a malformed event cannot break the progress display. */
export function asJobSnapshot(value: unknown): JobSnapshot | null {
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Partial<JobSnapshot>;
  if (typeof candidate.id !== 'string' || typeof candidate.status !== 'string') return null;
  if (!(candidate.status in JOB_STATUS_LABELS)) return null;
  return {
    ...(candidate as JobSnapshot),
    progressDone: typeof candidate.progressDone === 'number' ? candidate.progressDone : 0,
    progressTotal: typeof candidate.progressTotal === 'number' ? candidate.progressTotal : null,
  };
}
