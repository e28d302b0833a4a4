// The bench's export and the existing base it dry-runs against, made up and deterministic (no real person).
import { FIELD_TYPE, RECORD_FIELDS, STUDENT_FIELDS, type FakeTable, type FeishuFake } from '@doitcrm/fakes';

const HEADER = ['用户ID', '昵称', '手机号', '课程', '学习日期'];
const COURSES = 8;
const beijingMidnight = (day: string) => Date.parse(`${day}T00:00:00+08:00`);

export const benchUserId = (student: number) => `u_bench_${String(student).padStart(6, '0')}`;
const nickname = (student: number) => `学员${student}`;
const phone = (student: number) => `1990${String(student).padStart(7, '0')}`;
/** row i of the export: student i mod students, one course after another, so every (student, course, day) is new */
const course = (row: number, students: number) => `课程${Math.floor(row / students) % COURSES}`;
const day = (row: number, students: number) => `2025-09-${String((Math.floor(row / (students * COURSES)) % 28) + 1).padStart(2, '0')}`;

/** A 小鹅通-style UTF-8 CSV: `rows` learning records of `students` students, no row repeating another. */
export function benchExport(rows: number, students: number): Buffer {
  const lines = [HEADER.join(',')];
  for (let i = 0; i < rows; i++) {
    const s = i % students;
    lines.push([benchUserId(s), nickname(s), phone(s), course(i, students), day(i, students)].join(','));
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

export interface SeededBase {
  students: number;
  records: number;
  /** of the export's learning records, how many the seeded base already holds */
  presentOfExport: number;
}

/**
 * Fills the fake's two (empty) demo tables directly, as a base that has been in use for a while: `records` learning
 * records over `records / 5` students, linked both ways. The export's students are among them; every second one of
 * their records matches a row of the export (same 用户ID + 课程 + 学习日期), and every tenth student has another
 * nickname, so the dry run finds new, skipped and changed alike.
 */
export function seedExisting(fake: FeishuFake, records: number, exportShape: { rows: number; students: number }): SeededBase {
  const base = fake.state.bases.get(fake.demo.appToken)!;
  const studentsTable = base.tables.get(fake.demo.studentsTableId)!;
  const recordsTable = base.tables.get(fake.demo.recordsTableId)!;
  if (studentsTable.records.size > 0 || recordsTable.records.size > 0) throw new Error('seedExisting fills empty tables only');
  check(studentsTable, STUDENT_FIELDS.records);
  const studentCount = Math.max(1, Math.floor(records / 5));
  const at = Date.UTC(2025, 7, 1);
  const studentIds: string[] = [];
  const links: string[][] = [];
  for (let s = 0; s < studentCount; s++) {
    studentIds.push(`recbs${String(s).padStart(8, '0')}`);
    links.push([]);
  }
  let presentOfExport = 0;
  for (let n = 0; n < records; n++) {
    const s = n % studentCount;
    const row = s + Math.floor(n / studentCount) * exportShape.students;
    const inExport = s < exportShape.students && row < exportShape.rows && n % 2 === 0;
    if (inExport) presentOfExport++;
    const recordId = `recbr${String(n).padStart(8, '0')}`;
    recordsTable.records.set(recordId, {
      record_id: recordId, created_time: at, last_modified_time: at,
      cells: new Map<string, unknown>([
        [RECORD_FIELDS.userId, benchUserId(s)],
        [RECORD_FIELDS.course, inExport ? course(row, exportShape.students) : `旧课程${n % 13}`],
        [RECORD_FIELDS.studyDate, beijingMidnight(inExport ? day(row, exportShape.students) : '2025-06-01')],
        [RECORD_FIELDS.enteredAt, at],
        [RECORD_FIELDS.student, [studentIds[s]!]],
      ]),
    });
    links[s]!.push(recordId);
  }
  for (let s = 0; s < studentCount; s++) {
    studentsTable.records.set(studentIds[s]!, {
      record_id: studentIds[s]!, created_time: at, last_modified_time: at,
      cells: new Map<string, unknown>([
        [STUDENT_FIELDS.userId, benchUserId(s)], [STUDENT_FIELDS.nickname, s % 10 === 0 ? `${nickname(s)}（旧）` : nickname(s)],
        [STUDENT_FIELDS.phone, phone(s)], [STUDENT_FIELDS.enteredAt, at], [STUDENT_FIELDS.records, links[s]!],
      ]),
    });
  }
  return { students: studentCount, records, presentOfExport };
}

function check(table: FakeTable, linkField: string): void {
  const field = table.fields.find((f) => f.field_name === linkField);
  if (field?.type !== FIELD_TYPE.singleLink) throw new Error(`the demo base changed: ${linkField} is no longer a one-way link`);
}
