import type { SealedNationalId } from './national-id.ts';

/** What an uploaded roster file says, before it is compared with the database. Rows and columns are 1-based. */
export type ImportKind = 'matrix' | 'enrolment';

export interface CellRef {
  row: number;
  column: number;
}

export interface DraftClass {
  ref: CellRef;
  name: string;
  /** the header cell as typed, before the trailing parenthetical was dropped */
  rawName: string;
  stageText: string | null;
  /** line of the 所在阶段 row, so warnings about the stage point at its cell */
  stageRow: number | null;
  sectionName: string | null;
  levelName: string | null;
  roomId: string | null;
  teacher: string | null;
  headTeacher: string | null;
  startTime: string | null;
  endTime: string | null;
  courseProgress: string | null;
  promotion: string | null;
}

export interface DraftGuardian {
  name: string | null;
  relation: string | null;
  phone: string;
}

/** One pupil in one class (a multi-class cell of the enrolment CSV gives one per class). */
export interface DraftStudent {
  ref: CellRef;
  name: string;
  englishName: string | null;
  /** null: the file does not say (the enrolment CSV has no status column) */
  status: string | null;
  /** null: the file names no class ("-" in the enrolment CSV) */
  className: string | null;
  /** matrix only: index into draft.classes of the column the pupil sits in */
  classIndex: number | null;
  school: string | null;
  address: string | null;
  /** the ID number as the file gives it; a stored draft never keeps it (preview seals it into sealedNationalId) */
  nationalId: string | null;
  /** stored drafts: the number encrypted, with its keyed hash and masked form (absent: none, or storing is off) */
  sealedNationalId?: SealedNationalId | null;
  guardian: DraftGuardian | null;
}

export interface ImportWarning {
  row: number | null;
  column: number | null;
  field: string | null;
  message: string;
}

export interface RosterDraft {
  kind: ImportKind;
  classes: DraftClass[];
  students: DraftStudent[];
  warnings: ImportWarning[];
  /** empty, "/" and "／" pupil cells */
  ignoredCells: number;
}

export function warning(message: string, at: Partial<Omit<ImportWarning, 'message'>> = {}): ImportWarning {
  return { row: at.row ?? null, column: at.column ?? null, field: at.field ?? null, message };
}
