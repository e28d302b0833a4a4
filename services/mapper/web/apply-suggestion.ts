import { errorMessage } from '@doitcrm/ui';
import type { ClassOption, MappingChange, Suggestion } from './api-types.ts';
import { PERSON_ROLE_LABELS, RELATION_LABELS, classLabel } from './labels.ts';
import { fetchMappings, linkClassRoom, saveMapping } from './mapper-api.ts';

export type ApplyOutcome = { ok: true; message: string } | { ok: false; message: string };

function isClassChange(change: Suggestion['change']): change is { classId: number } {
  return 'classId' in change;
}

/** "设为家长 · 关联 1 名学员（妈妈）", "关联班级 启蒙段 L2 - 小熊3班": what accepting would change. */
export function describeSuggestion(suggestion: Suggestion, classes: Map<number, ClassOption>): string {
  const change = suggestion.change;
  if (isClassChange(change)) {
    const option = classes.get(change.classId);
    return `关联班级 ${option ? classLabel(option) : `#${change.classId}`}`;
  }
  const parts: string[] = [];
  if (change.userRole) parts.push(`设为${PERSON_ROLE_LABELS[change.userRole] ?? change.userRole}`);
  if (change.userRole === null) parts.push('清除角色');
  if (change.businessName) parts.push(`称呼“${change.businessName}”`);
  if (change.students?.length) {
    const relations = [...new Set(change.students.map((student) => RELATION_LABELS[student.relation] ?? student.relation))].join('、');
    parts.push(`关联 ${change.students.length} 名学员（${relations}）`);
  }
  return parts.join(' · ') || '无变更';
}

/**
 * Adds the suggested children to the ones the user already has: `students` replaces the whole set on the server, and
 * accepting "this is also 王小明's mother" must not unlink her other child.
 */
async function withExistingStudents(originalId: string, change: MappingChange): Promise<MappingChange> {
  if (!change.students) return change;
  const page = await fetchMappings('user_id', { keyword: originalId }, null);
  const current = page.items.find((row) => row.originalId === originalId);
  if (!current || current.students.length === 0) return change;
  const known = new Set(current.students.map((student) => student.studentId));
  const kept = current.students.map((student) => ({ studentId: student.studentId, relation: student.relation, isPrimary: student.isPrimary }));
  const added = change.students.filter((student) => !known.has(student.studentId)).map((student) => ({ ...student, isPrimary: false }));
  return { ...change, students: [...kept, ...added] };
}

/** Applies one accepted suggestion through the same endpoints a person would use; never forces a class move. */
export async function applySuggestion(suggestion: Suggestion, classes: Map<number, ClassOption>): Promise<ApplyOutcome> {
  try {
    const change = suggestion.change;
    if (isClassChange(change)) {
      const option = classes.get(change.classId);
      if (option?.roomId && option.roomId !== suggestion.originalId) {
        return { ok: false, message: `该班级已关联群“${option.roomName || option.roomId}”，请在“群组”标签里确认后更换` };
      }
      await linkClassRoom(change.classId, suggestion.originalId);
      return { ok: true, message: '已关联班级' };
    }
    await saveMapping(suggestion.idType, suggestion.originalId, await withExistingStudents(suggestion.originalId, change));
    return { ok: true, message: '已应用' };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}
