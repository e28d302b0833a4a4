import { change, type AbsentEnrolment, type ClassDiff, type DiffAction, type FieldChange, type StudentDiff } from './diff-types.ts';
import { warning, type DraftStudent, type ImportWarning } from './draft.ts';
import type { ClassRecord, ContactRecord, RosterSnapshot, StudentRecord } from './snapshot.ts';

interface PoolEntry {
  studentId: number;
  status: string;
  used: boolean;
}

interface ClassTarget {
  classId: number | null;
  classIndex: number | null;
  className: string | null;
  unmatched: string | null;
}

/**
 * A pupil is (name, class): within a class, the file's pupils are paired with the database's by name, as many as
 * each name has (two 张伟 in one class stay two). A pupil new to a class is the student already matched under the same
 * name elsewhere in this file (the same child in two classes is one student enrolled twice); otherwise a new student.
 */
export function matchStudents(drafts: readonly DraftStudent[], classDiffs: readonly ClassDiff[], snapshot: RosterSnapshot): {
  diffs: StudentDiff[];
  absent: AbsentEnrolment[];
  warnings: ImportWarning[];
} {
  const warnings: ImportWarning[] = [];
  const classById = new Map(snapshot.classes.map((c) => [c.id, c]));
  const pool = new Map<number, PoolEntry[]>();
  // the same entries by class and name: pairing looks a pupil up there instead of scanning its whole class
  const poolByName = new Map<string, PoolEntry[]>();
  for (const enrolment of snapshot.enrolments) {
    const entry = { studentId: enrolment.studentId, status: enrolment.status, used: false };
    const list = pool.get(enrolment.classId) ?? [];
    list.push(entry);
    pool.set(enrolment.classId, list);
    const name = snapshot.students.get(enrolment.studentId)?.name;
    if (name === undefined) continue;
    const key = `${enrolment.classId}|${name}`;
    const named = poolByName.get(key);
    if (named) named.push(entry);
    else poolByName.set(key, [entry]);
  }
  const classesByName = new Map<string, ClassRecord[]>();
  for (const c of snapshot.classes) {
    const list = classesByName.get(c.name);
    if (list) list.push(c);
    else classesByName.set(c.name, [c]);
  }
  const targets = drafts.map((draft) => classTarget(draft, classDiffs, classesByName));
  // complete only for the names of pupils without a class: the snapshot holds all their namesakes, not everyone's
  const studentsByName = new Map<string, StudentRecord[]>();
  for (const student of snapshot.students.values()) {
    const list = studentsByName.get(student.name);
    if (list) list.push(student);
    else studentsByName.set(student.name, [student]);
  }
  const contactPhones = new Map<number, Set<string>>();
  for (const contact of snapshot.contacts) if (contact.phone) contactPhones.set(contact.studentId, (contactPhones.get(contact.studentId) ?? new Set()).add(contact.phone));

  // first pass: pair every pupil with an existing enrolment of its class
  const paired = drafts.map((draft, index) => {
    const target = targets[index]!;
    if (target.classId === null) return null;
    const candidates = (poolByName.get(`${target.classId}|${draft.name}`) ?? []).filter((entry) => !entry.used);
    // namesakes in one class: the one whose details agree with the row is the same child
    const chosen = candidates.length < 2 ? candidates[0] : candidates
      .map((entry) => ({ entry, score: likeness(draft, snapshot.students.get(entry.studentId)!, contactPhones.get(entry.studentId)) }))
      .sort((a, b) => b.score - a.score)[0]!.entry;
    if (!chosen) return null;
    chosen.used = true;
    return chosen;
  });
  const matchedByName = new Map<string, Set<number>>();
  paired.forEach((entry, index) => {
    if (!entry) return;
    const key = drafts[index]!.name;
    matchedByName.set(key, (matchedByName.get(key) ?? new Set()).add(entry.studentId));
  });

  const contactsByStudent = groupContacts(snapshot.contacts);
  const newInClass = new Map<string, number>();
  const diffs = drafts.map((draft, index): StudentDiff => {
    const target = targets[index]!;
    const base: StudentDiffBase = {
      index, ref: draft.ref, classId: target.classId, classIndex: target.classIndex, className: target.className, name: draft.name,
      englishName: draft.englishName, status: draft.status,
    };
    if (target.unmatched) return studentDiff(base, 'unmatched', null, null, false, [], target.unmatched);
    const entry = paired[index];
    if (entry) {
      const student = snapshot.students.get(entry.studentId)!;
      const changes = studentChanges(draft, student, entry.status, contactsByStudent.get(student.id) ?? [], snapshot.storeNationalId);
      return studentDiff(base, changes.length ? 'changed' : 'unchanged', student.id, null, false, changes, null);
    }
    const known = [...(matchedByName.get(draft.name) ?? [])];
    if (target.classId === null && target.classIndex === null) {
      return classlessPupil(draft, base, studentsByName.get(draft.name) ?? [], snapshot, contactsByStudent, warnings);
    }
    if (known.length === 1) {
      const student = snapshot.students.get(known[0]!)!;
      const changes = studentChanges(draft, student, null, contactsByStudent.get(student.id) ?? [], snapshot.storeNationalId);
      return studentDiff(base, 'new', student.id, null, true, changes, null);
    }
    const namesakes = snapshot.namesakeCounts.get(draft.name) ?? 0;
    if (namesakes > 0) {
      warnings.push(warning(`“${draft.name}”在数据库中已有 ${namesakes} 名同名学员（不在此班）；按“姓名+班级”规则新建，如是同一人请导入后在花名册中合并`,
        { ...draft.ref, field: 'name' }));
    }
    // the n-th new namesake of a class is the same child as the n-th of another class, never as a classmate
    const childKey = `${draft.name}|${draft.englishName ?? ''}`;
    const classKey = `${target.classId ?? `new${target.classIndex}`}|${childKey}`;
    const nth = (newInClass.get(classKey) ?? 0) + 1;
    newInClass.set(classKey, nth);
    return studentDiff(base, 'new', null, `${childKey}|${nth}`, true, [], null);
  });

  return { diffs, absent: absentEnrolments(pool, targets, snapshot, classById), warnings };
}

type StudentDiffBase = Pick<StudentDiff, 'index' | 'ref' | 'classId' | 'classIndex' | 'className' | 'name' | 'englishName' | 'status'>;

/** One literal of one shape for every outcome: spreading `base` gave V8 slow dictionary objects, which every later pass paid for. */
function studentDiff(
  base: StudentDiffBase, action: DiffAction, studentId: number | null, newKey: string | null, newEnrolment: boolean, changes: FieldChange[], reason: string | null,
): StudentDiff {
  return {
    index: base.index, ref: base.ref, classId: base.classId, classIndex: base.classIndex, className: base.className, name: base.name,
    englishName: base.englishName, status: base.status, action, studentId, newKey, newEnrolment, changes, reason,
  };
}

function likeness(draft: DraftStudent, student: StudentRecord, phones: Set<string> | undefined): number {
  return [
    draft.englishName !== null && draft.englishName === student.englishName,
    draft.school !== null && draft.school === student.school,
    draft.address !== null && draft.address === student.address,
    draft.guardian !== null && (phones?.has(draft.guardian.phone) ?? false),
  ].filter(Boolean).length;
}

function classTarget(draft: DraftStudent, classDiffs: readonly ClassDiff[], classesByName: Map<string, ClassRecord[]>): ClassTarget {
  if (draft.classIndex !== null) {
    const owner = classDiffs[draft.classIndex]!;
    if (owner.action === 'unmatched') return { classId: null, classIndex: null, className: owner.name, unmatched: `所在班级未导入：${owner.reason}` };
    return { classId: owner.classId, classIndex: owner.classId === null ? owner.index : null, className: owner.name, unmatched: null };
  }
  if (draft.className === null) return { classId: null, classIndex: null, className: null, unmatched: null };
  const named = classesByName.get(draft.className) ?? [];
  const active = named.filter((c) => c.isActive);
  const chosen = active.length > 0 ? active : named;
  if (chosen.length === 1) return { classId: chosen[0]!.id, classIndex: null, className: draft.className, unmatched: null };
  if (chosen.length === 0) return { classId: null, classIndex: null, className: draft.className, unmatched: `班级“${draft.className}”不存在` };
  return { classId: null, classIndex: null, className: draft.className, unmatched: `有 ${chosen.length} 个名为“${draft.className}”的班级，无法确定` };
}

/** "-" in the enrolment CSV: details of a pupil without a class, applied only when the name is unambiguous. */
function classlessPupil(
  draft: DraftStudent, base: StudentDiffBase, namesakes: StudentRecord[],
  snapshot: RosterSnapshot, contactsByStudent: Map<number, ContactRecord[]>, warnings: ImportWarning[],
): StudentDiff {
  const candidates = namesakes.map((s) => s.id);
  if (candidates.length !== 1) {
    const reason = candidates.length === 0 ? '没有班级，且数据库中没有此学员' : `没有班级，且有 ${candidates.length} 名同名学员，无法确定`;
    if (candidates.length > 1) warnings.push(warning(`“${draft.name}”${reason}`, { ...draft.ref, field: 'name' }));
    return studentDiff(base, 'unmatched', null, null, false, [], reason);
  }
  const student = snapshot.students.get(candidates[0]!)!;
  const changes = studentChanges(draft, student, null, contactsByStudent.get(student.id) ?? [], snapshot.storeNationalId);
  return studentDiff(base, changes.length ? 'changed' : 'unchanged', student.id, null, false, changes, null);
}

function studentChanges(draft: DraftStudent, student: StudentRecord, enrolmentStatus: string | null, contacts: ContactRecord[], storeNationalId: boolean): FieldChange[] {
  const statusChange = enrolmentStatus !== null ? change('status', enrolmentStatus, draft.status) : change('status', student.status, draft.status);
  const sealed = draft.sealedNationalId ?? null;
  const nationalId = storeNationalId && sealed !== null && sealed.hash !== student.nationalIdHash
    ? { field: 'nationalId', before: student.nationalIdMasked, after: sealed.masked } : null;
  return [
    statusChange,
    change('englishName', student.englishName, draft.englishName),
    change('school', student.school, draft.school),
    change('address', student.address, draft.address),
    nationalId,
    guardianChange(draft, contacts),
  ].filter((item): item is FieldChange => item !== null);
}

function guardianChange(draft: DraftStudent, contacts: ContactRecord[]): FieldChange | null {
  const guardian = draft.guardian;
  if (!guardian) return null;
  const existing = contacts.find((c) => c.phone === guardian.phone);
  const describe = (c: { name: string | null; relation: string | null; phone: string | null }) => [c.relation, c.name, c.phone].filter(Boolean).join(' ');
  if (!existing) return { field: 'guardian', before: null, after: describe(guardian) };
  const merged = { name: guardian.name ?? existing.name, relation: guardian.relation ?? existing.relation, phone: existing.phone };
  return merged.name === existing.name && merged.relation === existing.relation ? null : { field: 'guardian', before: describe(existing), after: describe(merged) };
}

function groupContacts(contacts: readonly ContactRecord[]): Map<number, ContactRecord[]> {
  const grouped = new Map<number, ContactRecord[]>();
  for (const contact of contacts) {
    const list = grouped.get(contact.studentId);
    if (list) list.push(contact);
    else grouped.set(contact.studentId, [contact]);
  }
  return grouped;
}

function absentEnrolments(
  pool: Map<number, PoolEntry[]>, targets: readonly ClassTarget[], snapshot: RosterSnapshot,
  classById: Map<number, ClassRecord>,
): AbsentEnrolment[] {
  const fileClasses = new Set(targets.map((t) => t.classId).filter((id): id is number => id !== null));
  const absent: AbsentEnrolment[] = [];
  for (const classId of fileClasses) {
    for (const entry of pool.get(classId) ?? []) {
      if (entry.used) continue;
      absent.push({ classId, className: classById.get(classId)?.name ?? '', studentId: entry.studentId, name: snapshot.students.get(entry.studentId)?.name ?? '', status: entry.status });
    }
  }
  return absent;
}
