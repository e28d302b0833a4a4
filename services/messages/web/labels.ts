import type { PersonRole } from './api-types.ts';

export const PERSON_ROLE_LABELS: Record<PersonRole, string> = { parent: '家长', teacher: '教师', head_teacher: '班主任', advisor: '顾问' };

export function roleLabel(role: PersonRole | null): string {
  return role ? PERSON_ROLE_LABELS[role] : '未分类';
}

export function roleTagType(role: PersonRole | null): 'success' | 'primary' | 'warning' | 'info' {
  if (role === 'parent') return 'success';
  if (role === 'teacher') return 'primary';
  if (role === 'head_teacher' || role === 'advisor') return 'warning';
  return 'info';
}
