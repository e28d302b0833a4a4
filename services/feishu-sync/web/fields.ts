import type { SourceField } from '../src/contract.ts';

/**
 * The export's fields as the page names them. Kept here rather than imported from the contract: any value from there
 * pulls zod into the page (90 kB); src/domain/columns.ts holds the server's list, and test/page-fields.test.ts keeps both equal.
 */
export const SOURCE_FIELDS = ['userId', 'nickname', 'course', 'studyDate', 'phone'] as const satisfies readonly SourceField[];
export const REQUIRED_FIELDS: readonly SourceField[] = ['userId', 'nickname', 'course', 'studyDate'];
export const FIELD_LABELS: Readonly<Record<SourceField, string>> = { userId: '用户ID', nickname: '昵称', course: '课程', studyDate: '学习日期', phone: '手机号' };
