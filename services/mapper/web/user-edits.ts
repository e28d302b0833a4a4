import type { MappingChange, PersonRole, StudentLink, UserMapping } from './api-types.ts';
import { createDraftStore, fieldMatcher } from './draft-store.ts';
import { saveMapping } from './mapper-api.ts';

/** A child as the editor shows it: what the list row has, or what the student picker found. */
export interface DraftStudent extends Omit<StudentLink, 'classes'> {
  classes: Array<{ classId: number; name: string }>;
}

export interface UserEdits {
  businessName: string;
  userRole: PersonRole | null;
  notes: string;
  students: DraftStudent[];
}

export const USER_FIELDS = ['businessName', 'userRole', 'notes', 'students'] as const;
export const userFieldOf = fieldMatcher(USER_FIELDS);

function savedValue<K extends keyof UserEdits>(row: UserMapping, field: K): UserEdits[K] {
  const values: UserEdits = {
    businessName: row.businessName ?? '',
    userRole: row.userRole,
    notes: row.notes ?? '',
    students: row.students,
  };
  return values[field];
}

function studentKey(students: DraftStudent[]): string {
  return students
    .map((student) => `${student.studentId}:${student.relation}:${student.isPrimary ? 1 : 0}`)
    .sort()
    .join(',');
}

function sameValue<K extends keyof UserEdits>(field: K, edited: UserEdits[K], saved: UserEdits[K]): boolean {
  if (field === 'students') return studentKey(edited as DraftStudent[]) === studentKey(saved as DraftStudent[]);
  if (field === 'businessName') return String(edited).trim() === String(saved).trim();
  return edited === saved;
}

/** Exactly one primary child: the marked one, else the first. */
export function withOnePrimary(students: DraftStudent[]): DraftStudent[] {
  const primary = students.findIndex((student) => student.isPrimary);
  return students.map((student, index) => ({ ...student, isPrimary: index === (primary < 0 ? 0 : primary) }));
}

function toChange(row: UserMapping, dirty: Partial<UserEdits>): MappingChange {
  const change: MappingChange = {};
  if (dirty.businessName !== undefined) change.businessName = dirty.businessName.trim() || null;
  if (dirty.userRole !== undefined) change.userRole = dirty.userRole;
  if (dirty.notes !== undefined) change.notes = dirty.notes.trim() === '' ? null : dirty.notes;
  if (dirty.students !== undefined) {
    change.students = withOnePrimary(dirty.students).map((student) => ({
      studentId: student.studentId,
      relation: student.relation,
      isPrimary: student.isPrimary,
    }));
  }
  // only parents have children: leaving the parent role unlinks them, as the page says before saving
  const role = dirty.userRole !== undefined ? dirty.userRole : row.userRole;
  if (role !== 'parent' && (dirty.students ?? row.students).length > 0) change.students = [];
  return change;
}

export function createUserDrafts() {
  return createDraftStore<UserMapping, UserEdits, MappingChange>({
    saved: savedValue,
    same: sameValue,
    toChange,
    save: (originalId, change) => saveMapping('user_id', originalId, change),
  });
}

export type UserDrafts = ReturnType<typeof createUserDrafts>;

/** Why a user is not mapped yet, from the one definition; the badge itself always shows the server's state. */
export function missingForMapped(businessName: string, role: PersonRole | null, students: DraftStudent[]): string[] {
  const missing: string[] = [];
  if (!businessName.trim()) missing.push('业务称呼');
  if (!role) missing.push('角色');
  if (role === 'parent' && students.length === 0) missing.push('学员');
  return missing;
}

