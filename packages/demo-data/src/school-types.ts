import type { GuardianRelation, PersonRole } from '@doitcrm/types';

export type StaffRole = Exclude<PersonRole, 'parent'>;
export type StudentStatus = '在读' | '休学' | '已退费';
export type LevelCode = `level_${1 | 2 | 3 | 4 | 5 | 6 | 7}`;
export type SectionCode = 'section_1' | 'section_2' | 'section_3';

export interface DemoSection {
  code: SectionCode;
  name: string;
}

export interface DemoLevel {
  code: LevelCode;
  name: string;
  sectionCode: SectionCode;
}

export interface DemoStaff {
  /** internal WeCom user id (pinyin-like, free-form) */
  userId: string;
  name: string;
  /** the name parents call them by, e.g. "Lily老师" or "王老师" */
  callName: string;
  role: StaffRole;
  /** relative chattiness; drives how often they send */
  activity: number;
}

export interface DemoClass {
  /** stable key within the school, e.g. "C07" */
  key: string;
  name: string;
  levelCode: LevelCode;
  /** the class's WeCom customer group */
  roomId: string;
  teacherUserId: string;
  headTeacherUserId: string;
  /** schedule strings as typed in the roster, e.g. "周六9:00" / "周六10:30" */
  startTime: string;
  endTime: string;
  /** 0 = Sunday … 6 = Saturday, Beijing time */
  weekday: number;
  /** minutes after midnight, Beijing time */
  startMinute: number;
  durationMinutes: number;
  courseProgress: string;
  promotion: string;
  maxStudents: number;
  /** Cambridge holiday course: its group is busy only in its season */
  holidaySeason: 'summer' | 'winter' | null;
  /** relative liveliness of the group */
  liveliness: number;
}

export interface DemoStudent {
  key: string;
  name: string;
  englishName: string | null;
  /** what parents call the child in chat: "小明", "乐乐", "Tom" */
  callName: string;
  status: StudentStatus;
  classKeys: string[];
  school: string | null;
  address: string | null;
  /** a clearly invalid placeholder, never a real-looking ID number */
  nationalId: string | null;
}

export interface DemoGuardianship {
  studentKey: string;
  isPrimary: boolean;
}

export interface DemoParent {
  /** external id: `wm…` (WeChat user) or `wo…` (WeCom user of another corp) */
  externalId: string;
  nickname: string;
  /** the real-world name typed in the enrolment form (synthetic) */
  name: string;
  relation: GuardianRelation;
  children: DemoGuardianship[];
  /** obviously fake: 1990000xxxx */
  phone: string;
  /** null = left unmapped, so the mapper has work to do */
  businessName: string | null;
  /** relative chattiness; 0 = never speaks, appears only as a receiver */
  activity: number;
  /** advisor who enrolled the family */
  advisorUserId: string;
}

export interface DemoBot {
  externalId: string;
  nickname: string;
  /** room ids of the groups the bot sits in */
  roomIds: string[];
}

/**
 * Someone who sits in groups without ever writing: a grandparent in a class group, a family that came to one trial
 * lesson. Not anyone's customer, so WeCom cannot name them for us.
 */
export interface DemoSilentMember {
  externalId: string;
  /** room ids of the groups they sit in */
  roomIds: string[];
  /** share of the archive's span after which they left their groups (moved away, trial over); null: still there */
  leftAtShare: number | null;
}

export interface DemoGroup {
  roomId: string;
  name: string;
  kind: 'customer_group' | 'internal_group';
  memberIds: string[];
}

export interface DemoSchool {
  seed: number;
  /** synthetic corp name, used on contact cards */
  corpName: string;
  sections: DemoSection[];
  levels: DemoLevel[];
  staff: DemoStaff[];
  classes: DemoClass[];
  students: DemoStudent[];
  parents: DemoParent[];
  bots: DemoBot[];
  /** staff-only internal groups and non-class customer groups */
  otherGroups: DemoGroup[];
  /** members who only ever receive (none unless asked for: `generateSchool({ silentMembers })`) */
  silentMembers: DemoSilentMember[];
}
