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
  nationalId: string | null;
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
  /** every student enrolled in a class of the file, or carrying a name that appears in it */
  students: Map<number, StudentRecord>;
  enrolments: EnrolmentRecord[];
  contacts: ContactRecord[];
  storeNationalId: boolean;
}
