import type { ClassStats, DashboardSettings, HeatBand } from '../contract.ts';
import type { ClassStatsRow } from '../data-access/class-stats-repository.ts';
import { minutesText } from './duration-text.ts';

export const CLASS_SORTS = ['hierarchy', 'activity', 'lastContact', 'students', 'silent', 'response', 'name'] as const;
export type ClassSort = (typeof CLASS_SORTS)[number];

export function activityRate(active: number, total: number): number | null {
  return total > 0 ? Math.round((active / total) * 100) : null;
}

/** ≥ high 高活跃, ≥ mid, ≥ low, below low; a class without parents has no band. */
export function heatBand(rate: number | null, heat: DashboardSettings['heat']): HeatBand {
  if (rate === null) return 'none';
  if (rate >= heat.high) return 'high';
  if (rate >= heat.mid) return 'mid';
  if (rate >= heat.low) return 'low';
  return 'critical';
}

/**
 * A class is flagged for silence when at least this share of its enrolled families (students with a known guardian)
 * has not written for the silent days. One quiet family is a follow-up for the head teacher and is listed under
 * 异常提醒 (长期未沟通); flagging the class for it would mark nearly every class of a real school.
 */
export const SILENT_FAMILY_SHARE = 0.5;
/** Likewise 休学/退费: one child leaving is a 流失风险 alert; a class losing a fifth of its students needs a look. */
export const CHURN_SHARE = 0.2;

/** Why a class needs the principal's attention ("需关注"), in words the page shows as they are. */
export function attentionReasons(row: ClassStatsRow, rate: number | null, settings: DashboardSettings): string[] {
  const reasons: string[] = [];
  if (row.families > 0 && row.silentFamilies >= row.families * SILENT_FAMILY_SHARE) {
    reasons.push(`${row.silentFamilies}/${row.families} 户在读家庭超过 ${settings.silentDays} 天未沟通`);
  }
  const churn = row.students.paused + row.students.refunded;
  if (churn > 0 && churn >= row.students.total * CHURN_SHARE) reasons.push(`${churn} 名学员休学/退费`);
  if (rate !== null && rate < settings.heat.low) reasons.push(`活跃度低于 ${settings.heat.low}%`);
  if (row.medianResponseMinutes !== null && row.medianResponseMinutes > settings.slowResponseMinutes) {
    reasons.push(`老师回复慢（中位 ${minutesText(row.medianResponseMinutes)}）`);
  }
  return reasons;
}

export function toClassStats(row: ClassStatsRow, settings: DashboardSettings): ClassStats {
  const rate = activityRate(row.activeParents, row.parents);
  return {
    classId: row.classId,
    className: row.className,
    roomId: row.roomId,
    sectionId: row.sectionId,
    sectionName: row.sectionName,
    levelId: row.levelId,
    levelName: row.levelName,
    teacher: row.teacher,
    headTeacher: row.headTeacher,
    students: row.students,
    parents: row.parents,
    activeParents: row.activeParents,
    activityRate: rate,
    heatBand: heatBand(rate, settings.heat),
    messages: row.messages,
    parentMessages: row.parentMessages,
    lastContactAt: row.lastContactAt?.toISOString() ?? null,
    silentParents: row.silentParents,
    silentFamilies: row.silentFamilies,
    churnRiskStudents: row.students.paused + row.students.refunded,
    medianResponseMinutes: row.medianResponseMinutes,
    attentionReasons: attentionReasons(row, rate, settings),
  };
}

const nullsLast = (value: number | null, descending: boolean) => (value === null ? Number.POSITIVE_INFINITY : descending ? -value : value);

/** Sorts from an allow-list; ties keep the 段 阶 班级 order the rows came in. */
export function sortClasses(items: ClassStats[], sort: ClassSort, order: 'asc' | 'desc'): ClassStats[] {
  if (sort === 'hierarchy') return order === 'desc' ? [...items].reverse() : items;
  const desc = order === 'desc';
  const key: Record<Exclude<ClassSort, 'hierarchy' | 'name'>, (item: ClassStats) => number> = {
    activity: (item) => nullsLast(item.activityRate, desc),
    lastContact: (item) => nullsLast(item.lastContactAt ? Date.parse(item.lastContactAt) : null, desc),
    students: (item) => (desc ? -item.students.enrolled : item.students.enrolled),
    silent: (item) => (desc ? -item.silentParents : item.silentParents),
    response: (item) => nullsLast(item.medianResponseMinutes, desc),
  };
  if (sort === 'name') {
    const sorted = [...items].sort((a, b) => a.className.localeCompare(b.className, 'zh-CN'));
    return desc ? sorted.reverse() : sorted;
  }
  return [...items].sort((a, b) => key[sort](a) - key[sort](b));
}
