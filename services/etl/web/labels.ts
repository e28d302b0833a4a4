import type { ConflictMode, RunOrigin, RunStatus } from './api-types.ts';

export const ORIGIN_LABELS: Record<RunOrigin, string> = {
  cli: '命令行',
  upload: '页面上传',
  queue: '队列任务',
  bench: '性能测试',
  demo: '演示数据',
  legacy: '旧版迁移',
};

export const RUN_STATUS: Record<RunStatus, { label: string; tag: 'primary' | 'success' | 'danger' }> = {
  running: { label: '进行中', tag: 'primary' },
  succeeded: { label: '成功', tag: 'success' },
  failed: { label: '失败', tag: 'danger' },
};

export const CONFLICT_MODES: Record<ConflictMode, { label: string; explanation: string }> = {
  skip: {
    label: '跳过已存在',
    explanation: '已导入过的消息（按 msgid 判断）保持原样，只新增没有的消息。重复导入同一文件是安全的。',
  },
  update: {
    label: '更新已变化',
    explanation: '已导入过但内容有变化的消息用文件里的新内容覆盖，其余新增；内容相同的不动。',
  },
};

/** The file name without the folders a CLI run may have recorded with it. */
export function baseName(source: string): string {
  const parts = source.split(/[\\/]/);
  return parts[parts.length - 1] || source;
}

/** Runs record the starting user's id; the CLI and benchmarks have none. */
export function starterLabel(run: { startedBy: number | null; startedByName: string | null }): string {
  if (run.startedByName) return run.startedByName;
  return run.startedBy === null ? '命令行' : `用户 #${run.startedBy}`;
}
