import { generateSchool, Rng, type DemoSchool } from '@doitcrm/demo-data';
import { FIELD_TYPE, type FakeBase, type FakeField, type FakeRecord, type FakeTable } from './feishu-fake-state.ts';
import { newAppToken, newFieldId, newRecordId, newTableId } from './feishu-ids.ts';

export interface DemoBaseOptions {
  /** students in the base; default 40 (0 = the two tables, empty) */
  students?: number;
  /** default 1 */
  seed?: number;
  /** where nicknames and phone numbers come from; default `generateSchool()` (synthetic, phones 1990000xxxx) */
  school?: DemoSchool;
}

/** What a service needs to find the demo tables (seed 002's config.json: student_table, learning_record_table). */
export interface DemoBaseIds {
  appToken: string;
  studentsTableId: string;
  recordsTableId: string;
}

export const STUDENT_FIELDS = { userId: '用户ID', nickname: '昵称', phone: '手机号', enteredAt: '录入时间', records: '学习记录' } as const;
export const RECORD_FIELDS = { userId: '用户ID', course: '课程', studyDate: '学习日期', enteredAt: '录入时间', student: '关联到学员总表' } as const;

/** Courses of a 非暴力沟通 (NVC) school, as seed 002's 小鹅通 exports name them (made up here). */
const COURSES = ['非暴力沟通入门课', '亲子沟通工作坊', '情绪觉察 21 天练习', '倾听与表达进阶营', '冲突转化实践课', '自我关怀读书会'];
const DAY_MS = 86_400_000;

let school: DemoSchool | undefined;
/** generated once per process: every fake of a test file seeds from the same school */
const defaultSchool = (): DemoSchool => (school ??= generateSchool());

function field(random: () => number, name: string, type: number, uiType: string, extra: Partial<FakeField> = {}): FakeField {
  return { field_id: newFieldId(random), field_name: name, type, ui_type: uiType, is_primary: false, property: null, ...extra };
}

function emptyTable(random: () => number, name: string, fields: FakeField[]): FakeTable {
  return { table_id: newTableId(random), name, revision: 1, fields, records: new Map(), writesInFlight: 0 };
}

/**
 * The base of seed 002: 学员总表 (用户ID, 昵称, 手机号, 录入时间, 学习记录 → learning records) and 学习记录表 (用户ID, 课程,
 * 学习日期, 录入时间, 关联到学员总表 → students), filled with generated students (no real person) and 1–3 learning
 * records each, linked both ways. Links are one-way link fields (type 18) on each side, so a write to one side does
 * not change the other — the sync writes both, as the original did.
 */
export function seedDemoBase(options: DemoBaseOptions = {}): { base: FakeBase; ids: DemoBaseIds } {
  const rng = new Rng(options.seed ?? 1, 0x0f5);
  const random = () => rng.float();
  const students = emptyTable(random, '学员总表', []);
  const records = emptyTable(random, '学习记录表', []);
  students.fields.push(
    field(random, STUDENT_FIELDS.userId, FIELD_TYPE.text, 'Text', { is_primary: true }),
    field(random, STUDENT_FIELDS.nickname, FIELD_TYPE.text, 'Text'),
    field(random, STUDENT_FIELDS.phone, FIELD_TYPE.phone, 'Phone'),
    field(random, STUDENT_FIELDS.enteredAt, FIELD_TYPE.date, 'DateTime', { property: { date_formatter: 'yyyy/MM/dd HH:mm', auto_fill: false } }),
    field(random, STUDENT_FIELDS.records, FIELD_TYPE.singleLink, 'SingleLink', { property: { table_id: records.table_id, multiple: true } }),
  );
  records.fields.push(
    field(random, RECORD_FIELDS.userId, FIELD_TYPE.text, 'Text', { is_primary: true }),
    field(random, RECORD_FIELDS.course, FIELD_TYPE.text, 'Text'),
    field(random, RECORD_FIELDS.studyDate, FIELD_TYPE.date, 'DateTime', { property: { date_formatter: 'yyyy/MM/dd', auto_fill: false } }),
    field(random, RECORD_FIELDS.enteredAt, FIELD_TYPE.date, 'DateTime', { property: { date_formatter: 'yyyy/MM/dd HH:mm', auto_fill: false } }),
    field(random, RECORD_FIELDS.student, FIELD_TYPE.singleLink, 'SingleLink', { property: { table_id: students.table_id, multiple: false } }),
  );
  const count = options.students ?? 40;
  const parents = count > 0 ? (options.school ?? defaultSchool()).parents : [];
  // a fixed clock, so one seed always gives the same base: 2025-12-01 00:00 Beijing time
  const start = Date.UTC(2025, 10, 30, 16);
  for (let i = 0; i < Math.min(count, parents.length); i++) {
    const parent = parents[i]!;
    const userId = `u_${rng.hex(13)}_${rng.alnum(10)}`;
    const enteredAt = start + rng.int(60) * DAY_MS + rng.int(DAY_MS);
    const student: FakeRecord = { record_id: newRecordId(random), cells: new Map(), created_time: enteredAt, last_modified_time: enteredAt };
    const linked: string[] = [];
    for (let k = rng.range(1, 3); k > 0; k--) {
      const recordId = newRecordId(random);
      const studyDate = start + rng.int(60) * DAY_MS;
      records.records.set(recordId, {
        record_id: recordId, created_time: enteredAt, last_modified_time: enteredAt,
        cells: new Map<string, unknown>([
          [RECORD_FIELDS.userId, userId], [RECORD_FIELDS.course, rng.pick(COURSES)], [RECORD_FIELDS.studyDate, studyDate],
          [RECORD_FIELDS.enteredAt, enteredAt], [RECORD_FIELDS.student, [student.record_id]],
        ]),
      });
      linked.push(recordId);
    }
    student.cells.set(STUDENT_FIELDS.userId, userId);
    student.cells.set(STUDENT_FIELDS.nickname, parent.nickname);
    student.cells.set(STUDENT_FIELDS.phone, parent.phone);
    student.cells.set(STUDENT_FIELDS.enteredAt, enteredAt);
    student.cells.set(STUDENT_FIELDS.records, linked);
    students.records.set(student.record_id, student);
  }
  const base: FakeBase = {
    app_token: newAppToken(random), name: 'NVC 学员（演示）', tables: new Map([[students.table_id, students], [records.table_id, records]]),
  };
  return { base, ids: { appToken: base.app_token, studentsTableId: students.table_id, recordsTableId: records.table_id } };
}
