/** (No zod here: the page imports these.) The export's columns the sync understands (seed 002: 用户ID, 昵称, 课程, 学习日期 required; 手机号 optional). */
export const SOURCE_FIELDS = ['userId', 'nickname', 'course', 'studyDate', 'phone'] as const;
export type SourceField = (typeof SOURCE_FIELDS)[number];
export const REQUIRED_FIELDS: readonly SourceField[] = ['userId', 'nickname', 'course', 'studyDate'];

export const FIELD_LABELS: Readonly<Record<SourceField, string>> = {
  userId: '用户ID', nickname: '昵称', course: '课程', studyDate: '学习日期', phone: '手机号',
};

