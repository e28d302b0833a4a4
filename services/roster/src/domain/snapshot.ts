import type { RosterDraft } from './draft.ts';

/** What the database holds that an import is compared with: plain objects, loaded by data-access/snapshot-repository. */
export interface LevelInfo {
  id: number;
  name: string;
  sectionName: string;
}

export interface StaffInfo {
  id: number;
  name: string;
  role: 'teacher' | 'head_teacher' | 'advisor';
}

export interface ClassRecord {
  id: number;
  name: string;
  roomId: string | null;
  levelId: number;
  levelName: string;
  sectionName: string;
  teacherStaffId: number | null;
  teacherName: string | null;
  headTeacherStaffId: number | null;
  headTeacherName: string | null;
  startTime: string | null;
  endTime: string | null;
  courseProgress: string | null;
  promotion: string | null;
  isActive: boolean;
}

export interface StudentRecord {
  id: number;
  name: string;
  englishName: string | null;
  status: string;
  school: string | null;
  address: string | null;
  /** keyed hash of the stored ID number (compares a file's number without opening the stored one) */
  nationalIdHash: string | null;
  nationalIdMasked: string | null;
}

export interface EnrolmentRecord {
  studentId: number;
  classId: number;
  status: string;
}

export interface ContactRecord {
  id: number;
  studentId: number;
  name: string | null;
  relation: string | null;
  phone: string | null;
}

export interface RosterSnapshot {
  levels: LevelInfo[];
  staff: StaffInfo[];
  classes: ClassRecord[];
  /** every student enrolled in a class the file may name, and every namesake of a pupil the file gives no class */
  students: Map<number, StudentRecord>;
  /** enrolments in the classes the file may name (matching pairs pupils within a class, so no other class matters) */
  enrolments: EnrolmentRecord[];
  /** how many students the database has of each name in the file, for the namesake warning */
  namesakeCounts: Map<string, number>;
  contacts: ContactRecord[];
  storeNationalId: boolean;
}

/**
 * Which part of the roster a draft can touch. Classes are matched by group or by name, so every class with one of
 * these groups or names is loaded with its pupils; a pupil without a class is matched by name alone, so all its
 * namesakes are loaded. Anything wider only costs time: the diff would be the same.
 */
export interface SnapshotScope {
  classNames: string[];
  roomIds: string[];
  classlessNames: string[];
  /** names whose namesakes are counted: only warnings use the counts, and only a preview shows warnings */
  namesakeNames: string[];
}

export function snapshotScope(draft: RosterDraft, options: { warnings: boolean }): SnapshotScope {
  const classNames = new Set<string>();
  const roomIds = new Set<string>();
  const studentNames = new Set<string>();
  const classlessNames = new Set<string>();
  for (const c of draft.classes) {
    classNames.add(c.name);
    if (c.roomId) roomIds.add(c.roomId);
  }
  for (const s of draft.students) {
    studentNames.add(s.name);
    if (s.className !== null) classNames.add(s.className);
    else if (s.classIndex === null) classlessNames.add(s.name);
  }
  return { classNames: [...classNames], roomIds: [...roomIds], classlessNames: [...classlessNames], namesakeNames: options.warnings ? [...studentNames] : [] };
}
