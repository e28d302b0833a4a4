import type { CommitReport } from './domain/commit-import.ts';
import type { PreviewResult } from './domain/preview-import.ts';

const FIELD_NAMES: Record<string, string> = {
  name: '名称', level: '阶', roomId: '群ID', teacher: '主教', headTeacher: '班主任', startTime: '上课', endTime: '下课', courseProgress: '进度',
  promotion: '升段升班', isActive: '启用', status: '状态', englishName: '英文名', school: '学校', address: '住址', nationalId: '身份证号', guardian: '家长',
};

/** The preview as an operator reads it in a terminal: counts, every change and skip, every warning with its cell. */
export function previewText(preview: PreviewResult, limit = 50): string {
  const { diff, record } = preview;
  const lines = [
    `文件 ${record.fileName}（${record.kind === 'matrix' ? '矩阵花名册' : '报读课程表'}，编码 ${preview.encodingLabel}）预览 #${record.id}`,
    `班级：新增 ${diff.summary.classes.new}，变更 ${diff.summary.classes.changed}，未变 ${diff.summary.classes.unchanged}，未匹配 ${diff.summary.classes.unmatched}`,
    `学员：新增 ${diff.summary.students.new}，变更 ${diff.summary.students.changed}，未变 ${diff.summary.students.unchanged}，未匹配 ${diff.summary.students.unmatched}`,
    `数据库中在这些班级但文件里没有的学员：${diff.summary.absent}（保留）`,
  ];
  if (preview.previouslyCommitted) lines.push(`注意：同一文件已于 ${preview.previouslyCommitted.committedAt.toISOString()} 提交过（导入 #${preview.previouslyCommitted.id}）`);
  const items = [...diff.classes.map((c) => ({ ...c, what: `班级 ${c.name}` })), ...diff.students.map((s) => ({ ...s, what: `学员 ${s.name}（${s.className ?? '无班级'}）` }))]
    .filter((item) => item.action !== 'unchanged');
  for (const item of items.slice(0, limit)) {
    const changes = item.changes.map((c) => `${FIELD_NAMES[c.field] ?? c.field}: ${c.before ?? '空'} → ${c.after ?? '空'}`).join('；');
    lines.push(`  [${{ new: '新增', changed: '变更', unmatched: '未匹配', unchanged: '未变' }[item.action]}] 第${item.ref.row}行第${item.ref.column}列 ${item.what} ${changes}${item.reason ? ` — ${item.reason}` : ''}`);
  }
  if (items.length > limit) lines.push(`  … 另有 ${items.length - limit} 条`);
  for (const w of diff.warnings) lines.push(`提示${w.row !== null ? ` 第${w.row}行` : ''}${w.column !== null ? `第${w.column}列` : ''}：${w.message}`);
  return lines.join('\n');
}

export function reportText(report: CommitReport): string {
  return [
    `已提交：班级 新增 ${report.classes.inserted} 更新 ${report.classes.updated} 未变 ${report.classes.unchanged} 跳过 ${report.classes.skipped}`,
    `学员 新增 ${report.students.inserted} 更新 ${report.students.updated} 新入班 ${report.students.enrolled} 未变 ${report.students.unchanged} 跳过 ${report.students.skipped}`,
    `新建老师 ${report.staffCreated}；联系人 新增 ${report.contacts.inserted} 更新 ${report.contacts.updated}；用时 ${report.durationMs} ms`,
    ...report.skipped.slice(0, 50).map((s) => `  跳过 第${s.row}行第${s.column}列 ${s.name}：${s.reason}`),
  ].join('\n');
}
