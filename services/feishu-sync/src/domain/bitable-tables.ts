import type { TableRef } from '@doitcrm/feishu';

/** The two tables of seed 002 and the field names the sync reads and writes (the fake's demo base uses the same). */
export interface SyncTables {
  students: TableRef;
  records: TableRef;
}

export const STUDENT = { userId: '用户ID', nickname: '昵称', phone: '手机号', enteredAt: '录入时间', records: '学习记录' } as const;
export const RECORD = { userId: '用户ID', course: '课程', studyDate: '学习日期', enteredAt: '录入时间', student: '关联到学员总表' } as const;

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** A Feishu date cell (ms) as the Beijing day it shows; the export's dates are Beijing days too. */
export const beijingDay = (ms: number): string => new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);

/** Midnight Beijing time of a day, as Feishu's date field takes it (ms). */
export const beijingMidnight = (day: string): number => Date.parse(`${day}T00:00:00+08:00`);

/** What makes a learning record the same one (seed 002's rule): 用户ID + 课程 + 学习日期. */
export const recordKey = (userId: string, course: string, day: string): string => JSON.stringify([userId, course, day]);

/** Items in runs of `size`, in order (batch boundaries are a run's plan: the same items give the same batches). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
