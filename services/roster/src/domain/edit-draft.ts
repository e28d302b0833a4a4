import { ConflictError, NotFoundError, ValidationError, auditAs, recordAudit, withTransaction, type Actor, type Pool } from '@doitcrm/kit';
import { findImport, updateDraft } from '../data-access/import-repository.ts';
import { optionalText, schedule, splitEnglishName } from './cell-rules.ts';
import type { RosterDraft } from './draft.ts';
import { applyStage } from './matrix-parser.ts';

export interface ClassEdit {
  target: 'class';
  index: number;
  values: Partial<Record<'name' | 'stage' | 'roomId' | 'teacher' | 'headTeacher' | 'startTime' | 'endTime' | 'courseProgress' | 'promotion', string>>;
}
export interface StudentEdit {
  target: 'student';
  index: number;
  values: Partial<Record<'name' | 'englishName' | 'status' | 'className' | 'school' | 'address', string>>;
}
export type DraftEdit = ClassEdit | StudentEdit;

/** An edit "in place" in the preview grid: the stored draft changes, the database does not. */
export async function editDraft(pool: Pool, id: number, edits: readonly DraftEdit[], actor: Actor): Promise<void> {
  await withTransaction(pool, async (client) => {
    const record = await findImport(client, id, { forUpdate: true });
    if (!record) throw new NotFoundError(`没有导入记录 ${id}`);
    if (record.status !== 'previewed') throw new ConflictError(`导入 ${id} 已提交或已放弃，不能再修改预览`);
    let draft = record.draft;
    for (const edit of edits) draft = applyDraftEdit(draft, edit);
    await updateDraft(client, id, draft);
    await recordAudit(client, auditAs(actor, { service: 'roster', action: 'roster.import.edit', targetType: 'roster_import', targetId: id, details: { edits: edits.length } }));
  });
}

export function applyDraftEdit(draft: RosterDraft, edit: DraftEdit): RosterDraft {
  const next: RosterDraft = structuredClone(draft);
  if (edit.target === 'class') {
    const target = next.classes[edit.index];
    if (!target) throw new ValidationError(`没有第 ${edit.index} 个班级`, [{ field: 'index', message: 'no class at this index' }]);
    for (const [field, raw] of Object.entries(edit.values) as Array<[keyof ClassEdit['values'], string]>) {
      const value = optionalText(raw);
      if (field === 'name') {
        if (value === null) throw new ValidationError('班级名不能为空', [{ field: 'values.name', message: 'must not be empty' }]);
        target.name = value;
        for (const student of next.students) if (student.classIndex === edit.index) student.className = value;
      } else if (field === 'stage') {
        next.warnings = next.warnings.filter((w) => !(w.field === 'stage' && w.column === target.ref.column));
        applyStage(next, target, value, { row: target.stageRow ?? target.ref.row, column: target.ref.column });
      } else if (field === 'startTime' || field === 'endTime') {
        target[field] = value === null ? null : schedule(value);
      } else {
        target[field] = value;
      }
    }
    return next;
  }
  const target = next.students[edit.index];
  if (!target) throw new ValidationError(`没有第 ${edit.index} 个学员`, [{ field: 'index', message: 'no student at this index' }]);
  for (const [field, raw] of Object.entries(edit.values) as Array<[keyof StudentEdit['values'], string]>) {
    const value = optionalText(raw);
    if (field === 'name') {
      if (value === null) throw new ValidationError('学员姓名不能为空', [{ field: 'values.name', message: 'must not be empty' }]);
      const split = splitEnglishName(value);
      target.name = split.name;
      if (split.englishName) target.englishName = split.englishName;
    } else if (field === 'className') {
      if (target.classIndex !== null) {
        throw new ValidationError('矩阵花名册中学员的班级由所在列决定，请修改班级', [{ field: 'values.className', message: 'matrix pupils follow their column' }]);
      }
      target.className = value === '-' ? null : value;
    } else if (field === 'status') {
      target.status = value;
    } else {
      target[field] = value;
    }
  }
  return next;
}
