import type { CellRef, ImportWarning } from './draft.ts';

export type DiffAction = 'new' | 'changed' | 'unchanged' | 'unmatched';

export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

export interface ClassDiff {
  index: number;
  ref: CellRef;
  action: DiffAction;
  classId: number | null;
  name: string;
  levelName: string | null;
  roomId: string | null;
  changes: FieldChange[];
  reason: string | null;
}

export interface StudentDiff {
  index: number;
  ref: CellRef;
  action: DiffAction;
  /** the existing student, or null for a new one (then newKey groups the cells that become one new student) */
  studentId: number | null;
  newKey: string | null;
  /** the existing class, or null when the class is new in this file (then classIndex says which) */
  classId: number | null;
  classIndex: number | null;
  className: string | null;
  name: string;
  englishName: string | null;
  status: string | null;
  /** true when the pupil is known but not yet in this class */
  newEnrolment: boolean;
  changes: FieldChange[];
  reason: string | null;
}

export interface AbsentEnrolment {
  classId: number;
  className: string;
  studentId: number;
  name: string;
  status: string;
}

export interface ActionCounts {
  new: number;
  changed: number;
  unchanged: number;
  unmatched: number;
}

export interface RosterDiff {
  classes: ClassDiff[];
  students: StudentDiff[];
  /** pupils the database has in the file's classes but the file does not list: reported, never removed */
  absent: AbsentEnrolment[];
  warnings: ImportWarning[];
  summary: { classes: ActionCounts; students: ActionCounts; absent: number };
}

export function countActions(items: ReadonlyArray<{ action: DiffAction }>): ActionCounts {
  const counts: ActionCounts = { new: 0, changed: 0, unchanged: 0, unmatched: 0 };
  for (const item of items) counts[item.action]++;
  return counts;
}

export function change(field: string, before: string | null, after: string | null): FieldChange | null {
  return after !== null && after !== before ? { field, before, after } : null;
}
