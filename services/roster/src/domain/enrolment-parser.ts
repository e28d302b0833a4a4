import { ValidationError } from '@doitcrm/kit';
import { optionalText, splitEnglishName } from './cell-rules.ts';
import { warning, type DraftStudent, type RosterDraft } from './draft.ts';

export const ENROLMENT_COLUMNS = {
  name: '学员姓名', guardianRelation: '手机号身份', phone: '手机号', classes: '所在班级', school: '学校', address: '住址',
  nationalId: '学员身份证号码', guardianName: '家长姓名',
} as const;
const REQUIRED: ReadonlyArray<keyof typeof ENROLMENT_COLUMNS> = ['name', 'classes'];
const NO_CLASS = new Set(['-', '－', '—', '/']);

export function looksLikeEnrolment(header: readonly string[]): boolean {
  const names = header.map((cell) => cell.trim());
  return names.includes(ENROLMENT_COLUMNS.name) && names.includes(ENROLMENT_COLUMNS.classes);
}

/** The flat enrolment export: one row per pupil; "A班;B班" enrols the pupil in both, "-" in none. */
export function parseEnrolment(rows: string[][], fileName: string): RosterDraft {
  const header = (rows[0] ?? []).map((cell) => cell.trim());
  const position = Object.fromEntries(
    Object.entries(ENROLMENT_COLUMNS).map(([key, label]) => [key, header.indexOf(label)]),
  ) as Record<keyof typeof ENROLMENT_COLUMNS, number>;
  const missing = REQUIRED.filter((key) => position[key] < 0).map((key) => ENROLMENT_COLUMNS[key]);
  if (missing.length > 0) {
    throw new ValidationError(`${fileName} 缺少必需的列：${missing.join('、')}（第 1 行应是表头）`, missing.map((column) => ({
      field: column, file: fileName, line: 1, message: `missing required column ${column}`,
    })));
  }

  const draft: RosterDraft = { kind: 'enrolment', classes: [], students: [], warnings: [], ignoredCells: 0 };
  rows.slice(1).forEach((cells, i) => {
    const line = i + 2;
    const read = (key: keyof typeof ENROLMENT_COLUMNS) => (position[key] >= 0 ? optionalText(cells[position[key]]) : null);
    const rawName = read('name');
    if (rawName === null) {
      if (cells.some((cell) => cell.trim() !== '')) {
        draft.warnings.push(warning(`第 ${line} 行没有学员姓名，整行已跳过`, { row: line, column: position.name + 1, field: ENROLMENT_COLUMNS.name }));
      }
      draft.ignoredCells++;
      return;
    }
    const { name, englishName } = splitEnglishName(rawName);
    const phone = read('phone');
    if (phone !== null && !/^1\d{10}$/u.test(phone.replace(/[\s-]/gu, ''))) {
      draft.warnings.push(warning(`第 ${line} 行手机号“${phone}”不是 11 位手机号，仍按原样保存`, { row: line, column: position.phone + 1, field: ENROLMENT_COLUMNS.phone }));
    }
    const classCell = read('classes') ?? '-';
    const classNames = NO_CLASS.has(classCell) ? [null] : classCell.split(/[;；]/u).map((part) => part.trim()).filter(Boolean);
    for (const className of classNames.length > 0 ? classNames : [null]) {
      const student: DraftStudent = {
        ref: { row: line, column: position.classes + 1 },
        name, englishName, status: null, className, classIndex: null,
        school: read('school'), address: read('address'), nationalId: read('nationalId'),
        guardian: phone === null ? null : { phone: phone.replace(/[\s-]/gu, ''), name: read('guardianName'), relation: read('guardianRelation') },
      };
      draft.students.push(student);
    }
  });
  return draft;
}
