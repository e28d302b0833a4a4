import type { DiffAction, ImportKind } from './api-types.ts';

export const ACTION_TAGS: Record<DiffAction, { label: string; type: 'success' | 'warning' | 'info' | 'danger' }> = {
  new: { label: '新增', type: 'success' },
  changed: { label: '变更', type: 'warning' },
  unchanged: { label: '未变', type: 'info' },
  unmatched: { label: '未匹配', type: 'danger' },
};

export const KIND_LABELS: Record<ImportKind | 'auto', string> = { auto: '自动识别', matrix: '矩阵花名册', enrolment: '报读课程表' };

export const STATUS_LABELS: Record<string, string> = { previewed: '待提交', committed: '已提交', undone: '已撤销', discarded: '已放弃' };

export const FIELD_LABELS: Record<string, string> = {
  name: '名称', level: '阶', roomId: '群ID', teacher: '主教老师', headTeacher: '班主任', startTime: '上课时间', endTime: '下课时间',
  courseProgress: '课程进度', promotion: '升段升班情况', isActive: '启用', status: '状态', englishName: '英文名', school: '学校', address: '住址',
  nationalId: '身份证号', guardian: '家长联系方式', stage: '所在阶段', className: '班级',
};

export const fieldLabel = (field: string | null) => (field ? FIELD_LABELS[field] ?? field : '');

/** "第 3 行 第 5 列" */
export function cellLabel(row: number | null, column: number | null): string {
  return [row !== null ? `第 ${row} 行` : '', column !== null ? `第 ${column} 列` : ''].filter(Boolean).join(' ');
}
