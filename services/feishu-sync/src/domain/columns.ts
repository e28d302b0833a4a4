import { z } from 'zod';

/** The export's columns the sync understands (seed 002: 用户ID, 昵称, 课程, 学习日期 required; 手机号 optional). */
export const SOURCE_FIELDS = ['userId', 'nickname', 'course', 'studyDate', 'phone'] as const;
export type SourceField = (typeof SOURCE_FIELDS)[number];
export const REQUIRED_FIELDS: readonly SourceField[] = ['userId', 'nickname', 'course', 'studyDate'];

export const FIELD_LABELS: Readonly<Record<SourceField, string>> = {
  userId: '用户ID', nickname: '昵称', course: '课程', studyDate: '学习日期', phone: '手机号',
};

/**
 * Column names 小鹅通 exports use for each field (the order exports and seed 002 name them); a saved mapping is tried
 * first. Compared without spaces and case, so 用户id and 用户ID are one name.
 */
const DEFAULT_ALIASES: Readonly<Record<SourceField, readonly string[]>> = {
  userId: ['用户ID', '用户id', 'user_id', 'userid'],
  nickname: ['昵称', '用户昵称', '微信昵称', '姓名'],
  course: ['课程', '商品名称', '课程名称'],
  studyDate: ['学习日期', '购买时间', '报名时间', '下单时间', '支付时间'],
  phone: ['手机号', '手机号码', '联系电话', '电话'],
};

/** A saved mapping: for each field, the column name of the export (absent: the defaults decide). */
export const fieldMappingSchema = z.object(Object.fromEntries(
  SOURCE_FIELDS.map((field) => [field, z.string().trim().min(1).max(100).optional()]),
) as Record<SourceField, z.ZodOptional<z.ZodString>>).strict().meta({ id: 'FieldMapping' });
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

const norm = (name: string) => name.replace(/\s+/gu, '').toLowerCase();

/** Which column index holds each field, and the required fields no column provides. */
export function resolveColumns(header: readonly string[], mapping: FieldMapping): { columns: Partial<Record<SourceField, number>>; missing: SourceField[] } {
  const index = new Map<string, number>();
  header.forEach((name, i) => { if (!index.has(norm(name))) index.set(norm(name), i); });
  const columns: Partial<Record<SourceField, number>> = {};
  for (const field of SOURCE_FIELDS) {
    const names = [mapping[field], ...DEFAULT_ALIASES[field]].filter((n): n is string => Boolean(n));
    const found = names.map((n) => index.get(norm(n))).find((i) => i !== undefined);
    if (found !== undefined) columns[field] = found;
  }
  return { columns, missing: REQUIRED_FIELDS.filter((field) => columns[field] === undefined) };
}
