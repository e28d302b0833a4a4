import { change, type ClassDiff, type FieldChange } from './diff-types.ts';
import { warning, type DraftClass, type ImportWarning } from './draft.ts';
import type { ClassRecord, LevelInfo } from './snapshot.ts';

/**
 * A class is its WeCom group when the file gives one, else its name within its level. A class found by its group
 * may be renamed or moved to another level by the file; one found by name keeps its identity.
 */
export function matchClasses(drafts: readonly DraftClass[], classes: readonly ClassRecord[], levels: readonly LevelInfo[]): {
  diffs: ClassDiff[];
  warnings: ImportWarning[];
} {
  const warnings: ImportWarning[] = [];
  const byRoom = new Map(classes.filter((c) => c.roomId).map((c) => [c.roomId!, c]));
  const levelByName = new Map(levels.map((level) => [level.name.toUpperCase(), level]));
  const claimed = new Map<string, number>();

  const diffs = drafts.map((draft, index): ClassDiff => {
    const level = draft.levelName ? levelByName.get(draft.levelName.toUpperCase()) ?? null : null;
    const base = { index, ref: draft.ref, name: draft.name, levelName: level?.name ?? draft.levelName, roomId: draft.roomId };
    if (draft.levelName && !level) {
      return { ...base, action: 'unmatched', classId: null, changes: [], reason: `阶“${draft.levelName}”不存在` };
    }
    if (level && draft.sectionName && draft.sectionName !== level.sectionName) {
      warnings.push(warning(`班级“${draft.name}”写的是${draft.sectionName}${level.name}，但 ${level.name} 属于${level.sectionName}；按 ${level.name} 导入`,
        { row: draft.stageRow ?? draft.ref.row, column: draft.ref.column, field: 'stage' }));
    }
    const found = findClass(draft, level, classes, byRoom);
    if (found.reason) return { ...base, action: 'unmatched', classId: null, changes: [], reason: found.reason };
    const identity = found.record ? `id:${found.record.id}` : draft.roomId ? `room:${draft.roomId}` : `name:${level?.id}:${draft.name}`;
    const earlier = claimed.get(identity);
    if (earlier !== undefined) {
      return { ...base, action: 'unmatched', classId: null, changes: [], reason: `与第 ${earlier} 列是同一个班级，已忽略` };
    }
    claimed.set(identity, draft.ref.column);
    if (!found.record) {
      if (!level) return { ...base, action: 'unmatched', classId: null, changes: [], reason: '新班级缺少所在阶段，无法确定阶' };
      return { ...base, action: 'new', classId: null, changes: [], reason: null };
    }
    const changes = classChanges(draft, found.record, level);
    return { ...base, levelName: level?.name ?? found.record.levelName, action: changes.length ? 'changed' : 'unchanged', classId: found.record.id, changes, reason: null };
  });
  return { diffs, warnings };
}

function findClass(draft: DraftClass, level: LevelInfo | null, classes: readonly ClassRecord[], byRoom: Map<string, ClassRecord>): {
  record: ClassRecord | null;
  reason?: string;
} {
  if (draft.roomId) {
    const byGroup = byRoom.get(draft.roomId);
    if (byGroup) return { record: byGroup };
  }
  const sameName = classes.filter((c) => c.name === draft.name && (!draft.roomId || c.roomId === null));
  const candidates = level ? sameName.filter((c) => c.levelId === level.id) : sameName;
  if (candidates.length === 1) return { record: candidates[0]! };
  if (candidates.length > 1) {
    return { record: null, reason: `有 ${candidates.length} 个名为“${draft.name}”的班级（${candidates.map((c) => c.levelName).join('、')}），请在文件中填写群ID或所在阶段` };
  }
  return { record: null };
}

function classChanges(draft: DraftClass, record: ClassRecord, level: LevelInfo | null): FieldChange[] {
  return [
    change('name', record.name, draft.name),
    level && level.id !== record.levelId ? { field: 'level', before: record.levelName, after: level.name } : null,
    change('roomId', record.roomId, draft.roomId),
    change('teacher', record.teacherName, draft.teacher),
    change('headTeacher', record.headTeacherName, draft.headTeacher),
    change('startTime', record.startTime, draft.startTime),
    change('endTime', record.endTime, draft.endTime),
    change('courseProgress', record.courseProgress, draft.courseProgress),
    change('promotion', record.promotion, draft.promotion),
    record.isActive ? null : { field: 'isActive', before: '停用', after: '启用' },
  ].filter((item): item is FieldChange => item !== null);
}
