import type { Alert, ClassStats, GuardianDetail, StudentDetail } from '../contract.ts';
import { ALERT_KIND_LABELS, ALERT_STATE_LABELS } from './alert-view.ts';
import type { Column } from './spreadsheet.ts';

const SEVERITY_LABELS: Record<Alert['severity'], string> = { critical: '紧急', warning: '关注', info: '提示' };

/** Beijing time `YYYY-MM-DD HH:mm` for people reading the file; '' when absent. */
export function beijingText(iso: string | null, timezone: string): string {
  if (!iso) return '';
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export function classReportColumns(timezone: string): Array<Column<ClassStats>> {
  return [
    { header: '段', value: (row) => row.sectionName, width: 8 },
    { header: '阶', value: (row) => row.levelName, width: 8 },
    { header: '班级', value: (row) => row.className, width: 20 },
    { header: '主教老师', value: (row) => row.teacher },
    { header: '班主任', value: (row) => row.headTeacher },
    { header: '学员', value: (row) => row.students.total, width: 8 },
    { header: '在读', value: (row) => row.students.enrolled, width: 8 },
    { header: '休学', value: (row) => row.students.paused, width: 8 },
    { header: '已退费', value: (row) => row.students.refunded, width: 8 },
    { header: '家长', value: (row) => row.parents, width: 8 },
    { header: '活跃家长', value: (row) => row.activeParents, width: 10 },
    { header: '活跃度(%)', value: (row) => row.activityRate, width: 10 },
    { header: '消息数', value: (row) => row.messages, width: 10 },
    { header: '家长消息', value: (row) => row.parentMessages, width: 10 },
    { header: '最近沟通', value: (row) => beijingText(row.lastContactAt, timezone), width: 18 },
    { header: '未沟通家长', value: (row) => row.silentParents, width: 10 },
    { header: '回复中位(分钟)', value: (row) => row.medianResponseMinutes, width: 14 },
    { header: '需关注', value: (row) => row.attentionReasons.join('；'), width: 40 },
  ];
}

export function alertColumns(timezone: string): Array<Column<Alert>> {
  return [
    { header: '类型', value: (row) => ALERT_KIND_LABELS[row.kind], width: 12 },
    { header: '级别', value: (row) => SEVERITY_LABELS[row.severity], width: 8 },
    { header: '状态', value: (row) => ALERT_STATE_LABELS[row.state], width: 8 },
    { header: '段', value: (row) => row.sectionName, width: 8 },
    { header: '阶', value: (row) => row.levelName, width: 8 },
    { header: '班级', value: (row) => row.className, width: 20 },
    { header: '内容', value: (row) => row.title, width: 40 },
    { header: '最近沟通', value: (row) => beijingText(row.lastContactAt, timezone), width: 18 },
    { header: '提醒时间', value: (row) => beijingText(row.raisedAt, timezone), width: 18 },
    { header: '消息链接', value: (row) => row.messagesUrl, width: 40 },
  ];
}

export type StudentGuardianRow = { student: StudentDetail; guardian: GuardianDetail | null };

/** One row per student and guardian (a student without a linked guardian still gets a row). */
export function studentGuardianRows(students: StudentDetail[]): StudentGuardianRow[] {
  return students.flatMap((student) => (student.guardians.length ? student.guardians : [null]).map((guardian) => ({ student, guardian })));
}

export function studentColumns(timezone: string): Array<Column<StudentGuardianRow>> {
  return [
    { header: '学员', value: (row) => row.student.name },
    { header: '英文名', value: (row) => row.student.englishName },
    { header: '状态', value: (row) => row.student.status, width: 8 },
    { header: '家长', value: (row) => row.guardian?.name ?? '未关联家长', width: 18 },
    { header: '关系', value: (row) => row.guardian?.relation ?? null, width: 8 },
    { header: '群发言', value: (row) => row.guardian?.groupMessages ?? null, width: 8 },
    { header: '私聊老师', value: (row) => row.guardian?.directMessages ?? null, width: 10 },
    { header: '老师私聊', value: (row) => row.guardian?.staffReplies ?? null, width: 10 },
    { header: '最近沟通', value: (row) => beijingText(row.guardian?.lastContactAt ?? null, timezone), width: 18 },
    { header: '消息链接', value: (row) => row.guardian?.messagesUrl ?? null, width: 40 },
  ];
}
