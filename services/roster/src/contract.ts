/**
 * The JSON the roster API answers with: one definition for the server, the page (`web/`) and the tests. Types only.
 * Times are ISO 8601 with offset; children's ID numbers only ever leave the server masked.
 */
import type { CommitReport } from './domain/commit-import.ts';
import type { AbsentEnrolment, ActionCounts, ClassDiff, DiffAction, FieldChange, RosterDiff, StudentDiff } from './domain/diff-types.ts';
import type { CellRef, DraftClass, DraftStudent, ImportKind, ImportWarning } from './domain/draft.ts';

export type { AbsentEnrolment, ActionCounts, CellRef, ClassDiff, CommitReport, DiffAction, DraftClass, DraftStudent, FieldChange, ImportKind, ImportWarning, RosterDiff, StudentDiff };
export type { SkippedRow } from './domain/commit-import.ts';
export type { DraftEdit, ClassEdit, StudentEdit } from './domain/edit-draft.ts';

export type ImportStatus = 'previewed' | 'committed' | 'undone' | 'discarded';

export interface ImportSummary {
  id: number;
  kind: ImportKind;
  fileName: string;
  fileSize: number;
  encoding: string;
  /** e.g. "GBK / GB18030" */
  encodingLabel: string;
  status: ImportStatus;
  createdAt: string;
  createdByName: string | null;
  committedAt: string | null;
  committedByName: string | null;
  undoneAt: string | null;
  undoneByName: string | null;
  report: CommitReport | null;
}

export interface ImportPreview {
  import: ImportSummary;
  classes: DraftClass[];
  /** nationalId: masked */
  students: Array<Omit<DraftStudent, 'sealedNationalId'>>;
  ignoredCells: number;
  diff: RosterDiff;
  /** send back with the commit: the server refuses when its own diff no longer matches */
  token: string;
  /** the same file (byte for byte) was committed before */
  previouslyCommitted: { id: number; committedAt: string } | null;
}

export interface ImportPage {
  items: ImportSummary[];
  nextCursor: number | null;
}

export interface RosterConfigInfo {
  maxUploadBytes: number;
  storeNationalId: boolean;
  statuses: string[];
}

export interface LevelNode {
  id: number;
  name: string;
  classes: Array<{ id: number; name: string; roomId: string | null; isActive: boolean; studentCount: number }>;
}
export interface SectionNode {
  id: number;
  name: string;
  levels: LevelNode[];
}

export interface StaffRef {
  id: number;
  name: string;
  role: string;
  /** the WeCom user id this person is linked to, when one matched */
  wecomUserId: string | null;
}

export interface ClassDetail {
  id: number;
  name: string;
  roomId: string | null;
  levelId: number;
  levelName: string;
  sectionName: string;
  teacher: StaffRef | null;
  headTeacher: StaffRef | null;
  startTime: string | null;
  endTime: string | null;
  courseProgress: string | null;
  promotion: string | null;
  maxStudents: number | null;
  isActive: boolean;
  updatedAt: string;
}

export interface RosterStudent {
  id: number;
  name: string;
  englishName: string | null;
  /** the student's own status */
  status: string;
  /** status in this class */
  enrolmentStatus: string;
  school: string | null;
  address: string | null;
  nationalIdMasked: string | null;
  /** guardians' numbers masked (138****5678); staff see one whole through POST /api/contacts/{id}/reveal, audited */
  contacts: Array<{ id: number; name: string | null; relation: string | null; phoneMasked: string | null }>;
  otherClasses: Array<{ id: number; name: string }>;
}

/** `POST /api/contacts/{id}/reveal`: one guardian's whole phone number, for a staff member who asked for it */
export interface RevealedPhone {
  id: number;
  studentId: number;
  phone: string | null;
}

/** `GET /api/students/{id}/namesakes`: other records with the same name, to merge into */
export interface Namesake {
  id: number;
  name: string;
  status: string;
  classes: string[];
}
