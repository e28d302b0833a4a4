import type { PersonRole, UserMapping } from './api-types.ts';
import { RELATION_LABELS, relationFromName } from './labels.ts';
import { missingForMapped, type DraftStudent, type UserDrafts, type UserEdits } from './user-edits.ts';

/** What the table and the phone cards both need to show and edit a user row through the drafts. */
export function userRowHelpers(drafts: UserDrafts) {
  const name = (row: UserMapping) => drafts.value(row, 'businessName');
  const role = (row: UserMapping) => drafts.value(row, 'userRole');
  const notes = (row: UserMapping) => drafts.value(row, 'notes');
  const students = (row: UserMapping) => drafts.value(row, 'students');

  return {
    name, role, notes, students,
    setName: (row: UserMapping, value: string) => drafts.edit(row, 'businessName', value),
    setRole: (row: UserMapping, value: PersonRole | '' | null | undefined) => drafts.edit(row, 'userRole', value || null),
    setNotes: (row: UserMapping, value: string) => drafts.edit(row, 'notes', value),
    setStudents: (row: UserMapping, value: DraftStudent[]) => drafts.edit(row, 'students', value),

    /** classes that mark a field as edited or rejected */
    fieldClass(row: UserMapping, field: keyof UserEdits) {
      return {
        'mapper-is-dirty': drafts.isDirty(row.originalId, field),
        'mapper-has-error': Boolean(drafts.errorsOf(row.originalId)[field]),
      };
    },
    error: (row: UserMapping, field: keyof UserEdits | 'row') => drafts.errorsOf(row.originalId)[field],

    /** A non-parent keeps no children; said before saving, because the save unlinks them. */
    unlinkNote(row: UserMapping): string {
      const linked = students(row).length;
      return role(row) !== 'parent' && linked > 0 ? `非家长角色：保存后将解除 ${linked} 名学员的关联` : '';
    },

    /** "王小明妈妈" as the example name once a child is linked, so staff write names the same way. */
    namePlaceholder(row: UserMapping): string {
      const first = students(row)[0];
      if (!first) {
        // staff ids and staff roles are named like teachers; everyone else is most likely a parent
        const staffLike = role(row) ? role(row) !== 'parent' : row.idKind === 'staff';
        return staffLike ? '如：Lily 老师' : '如：王小明妈妈';
      }
      const relation = first.relation === 'mother' || first.relation === 'father' ? RELATION_LABELS[first.relation] : '家长';
      return `如：${first.name}${relation}`;
    },

    defaultRelation: (row: UserMapping) => relationFromName(name(row)),
    missing: (row: UserMapping) => missingForMapped(row.businessName ?? '', row.userRole, row.students),
  };
}

export type UserRowHelpers = ReturnType<typeof userRowHelpers>;
