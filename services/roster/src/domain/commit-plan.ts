import type { RosterDiff } from './diff-types.ts';
import type { RosterDraft } from './draft.ts';
import type { SealedNationalId } from './national-id.ts';
import type { ClassRecord, ContactRecord, RosterSnapshot, StudentRecord } from './snapshot.ts';

export type StaffRole = 'teacher' | 'head_teacher';
/** an existing row's id, or the key of a row this commit inserts */
export type Ref = { id: number } | { newKey: string };

export interface ClassValues {
  levelName: string;
  roomId: string | null;
  name: string;
  teacher: string | null;
  headTeacher: string | null;
  startTime: string | null;
  endTime: string | null;
  courseProgress: string | null;
  promotion: string | null;
}

export interface StudentValues {
  name: string;
  englishName: string | null;
  status: string;
  school: string | null;
  address: string | null;
}

export interface CommitPlan {
  staff: Array<{ name: string; role: StaffRole }>;
  classInserts: Array<{ newKey: string } & ClassValues>;
  classUpdates: Array<{ id: number } & ClassValues>;
  studentInserts: Array<{ newKey: string } & StudentValues>;
  studentUpdates: Array<{ id: number } & StudentValues>;
  enrolmentInserts: Array<{ student: Ref; classRef: Ref; status: string }>;
  enrolmentUpdates: Array<{ studentId: number; classId: number; status: string }>;
  contactInserts: Array<{ student: Ref; phone: string; name: string | null; relation: string | null }>;
  contactUpdates: Array<{ id: number; name: string | null; relation: string | null }>;
  /** ID numbers to store (new, or different from the stored one), kept apart from the student rows */
  nationalIds: Array<{ student: Ref; sealed: SealedNationalId }>;
}

const DEFAULT_STATUS = '在读';

/** The writes a diff implies. Pure: the same diff always gives the same plan, and unmatched rows give none. */
export function planCommit(draft: RosterDraft, diff: RosterDiff, snapshot: RosterSnapshot): CommitPlan {
  const plan: CommitPlan = {
    staff: [], classInserts: [], classUpdates: [], studentInserts: [], studentUpdates: [], enrolmentInserts: [], enrolmentUpdates: [],
    contactInserts: [], contactUpdates: [], nationalIds: [],
  };
  const classById = new Map(snapshot.classes.map((c) => [c.id, c]));
  const knownStaff = new Set(snapshot.staff.map((s) => s.name));
  const wantStaff = (name: string | null, role: StaffRole) => {
    if (name && !knownStaff.has(name)) {
      knownStaff.add(name);
      plan.staff.push({ name, role });
    }
  };

  for (const item of diff.classes) {
    if (item.action === 'unmatched' || item.action === 'unchanged') continue;
    const source = draft.classes[item.index]!;
    const record = item.classId === null ? null : classById.get(item.classId)!;
    const values = mergeClass(source, record, item.levelName!);
    wantStaff(source.teacher, 'teacher');
    wantStaff(source.headTeacher, 'head_teacher');
    if (record) plan.classUpdates.push({ id: record.id, ...values });
    else plan.classInserts.push({ newKey: `class:${item.index}`, ...values });
  }

  const studentUpdates = new Map<number, StudentValues>();
  const studentInserts = new Map<string, StudentValues>();
  const contacts = new Map<string, CommitPlan['contactInserts'][number]>();
  const contactUpdates = new Map<number, CommitPlan['contactUpdates'][number]>();
  const nationalIds = new Map<string, CommitPlan['nationalIds'][number]>();
  const contactsByStudent = new Map<number, ContactRecord[]>();
  for (const contact of snapshot.contacts) {
    const list = contactsByStudent.get(contact.studentId);
    if (list) list.push(contact);
    else contactsByStudent.set(contact.studentId, [contact]);
  }

  for (const item of diff.students) {
    if (item.action === 'unmatched') continue;
    const source = draft.students[item.index]!;
    const fromFile = { englishName: source.englishName, status: source.status, school: source.school, address: source.address };
    let student: Ref;
    if (item.studentId !== null) {
      student = { id: item.studentId };
      if (item.changes.some((c) => c.field !== 'guardian' && c.field !== 'nationalId')) {
        const current = studentUpdates.get(item.studentId) ?? studentValues(snapshot.students.get(item.studentId)!);
        studentUpdates.set(item.studentId, mergeStudent(current, fromFile));
      }
    } else {
      const newKey = `student:${item.newKey}`;
      student = { newKey };
      const current = studentInserts.get(newKey) ?? { name: source.name, englishName: null, status: DEFAULT_STATUS, school: null, address: null };
      studentInserts.set(newKey, mergeStudent(current, fromFile));
    }
    const classRef: Ref | null = item.classId !== null ? { id: item.classId } : item.classIndex !== null ? { newKey: `class:${item.classIndex}` } : null;
    if (classRef && item.newEnrolment) plan.enrolmentInserts.push({ student, classRef, status: source.status ?? DEFAULT_STATUS });
    else if (item.studentId !== null && item.classId !== null && item.changes.some((c) => c.field === 'status')) {
      plan.enrolmentUpdates.push({ studentId: item.studentId, classId: item.classId, status: source.status! });
    }
    const sealed = snapshot.storeNationalId ? source.sealedNationalId ?? null : null;
    if (sealed && ('newKey' in student || item.changes.some((c) => c.field === 'nationalId'))) {
      nationalIds.set('id' in student ? `id:${student.id}` : student.newKey, { student, sealed });
    }
    if (source.guardian) planContact(contactUpdates, contacts, student, source.guardian, 'id' in student ? contactsByStudent.get(student.id) ?? [] : []);
  }
  plan.studentUpdates = [...studentUpdates].map(([id, values]) => ({ id, ...values }));
  plan.studentInserts = [...studentInserts].map(([newKey, values]) => ({ newKey, ...values }));
  plan.contactInserts = [...contacts.values()];
  plan.contactUpdates = [...contactUpdates.values()];
  plan.nationalIds = [...nationalIds.values()];
  return plan;
}

function planContact(
  updates: Map<number, CommitPlan['contactUpdates'][number]>, inserts: Map<string, CommitPlan['contactInserts'][number]>, student: Ref,
  guardian: { phone: string; name: string | null; relation: string | null }, existing: ContactRecord[],
): void {
  const found = existing.find((c) => c.phone === guardian.phone);
  if (found) {
    const name = guardian.name ?? found.name;
    const relation = guardian.relation ?? found.relation;
    if (name !== found.name || relation !== found.relation) updates.set(found.id, { id: found.id, name, relation });
    return;
  }
  const key = `${'id' in student ? student.id : student.newKey}|${guardian.phone}`;
  if (!inserts.has(key)) inserts.set(key, { student, phone: guardian.phone, name: guardian.name, relation: guardian.relation });
}

function mergeClass(source: RosterDraft['classes'][number], record: ClassRecord | null, levelName: string): ClassValues {
  return {
    levelName,
    roomId: source.roomId ?? record?.roomId ?? null,
    name: source.name,
    teacher: source.teacher ?? record?.teacherName ?? null,
    headTeacher: source.headTeacher ?? record?.headTeacherName ?? null,
    startTime: source.startTime ?? record?.startTime ?? null,
    endTime: source.endTime ?? record?.endTime ?? null,
    courseProgress: source.courseProgress ?? record?.courseProgress ?? null,
    promotion: source.promotion ?? record?.promotion ?? null,
  };
}

function studentValues(record: StudentRecord): StudentValues {
  return { name: record.name, englishName: record.englishName, status: record.status, school: record.school, address: record.address };
}

/** blanks in the file keep what is there */
function mergeStudent(current: StudentValues, fromFile: { [K in keyof Omit<StudentValues, 'name'>]: string | null }): StudentValues {
  return {
    name: current.name,
    englishName: fromFile.englishName ?? current.englishName,
    status: fromFile.status ?? current.status,
    school: fromFile.school ?? current.school,
    address: fromFile.address ?? current.address,
  };
}
