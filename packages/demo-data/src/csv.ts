import iconv from 'iconv-lite';
import { hashUnit } from './random.ts';
import { levelName, sectionNameOfLevel } from './hierarchy.ts';
import type { DemoParent, DemoSchool, DemoStudent } from './school-types.ts';

/** RFC 4180 quoting: only when needed, as spreadsheet exports do. */
function cell(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/**
 * The matrix roster the school keeps in a spreadsheet (docs/original-doitcrm.md#roster-matrix): one column per class, attribute rows, then
 * one row per pupil position. Non-enrolled statuses are written "Name(status)", sometimes with full-width
 * brackets, as people type them.
 */
export function rosterCsv(school: DemoSchool): string {
  const staffName = new Map(school.staff.map((s) => [s.userId, s.name]));
  const pupils = new Map(school.classes.map((c) => [c.key, [] as DemoStudent[]]));
  for (const s of school.students) for (const k of s.classKeys) pupils.get(k)?.push(s);
  const classes = school.classes;
  const rows: string[][] = [
    ['班级', ...classes.map((c) => c.name)],
    ['主教老师', ...classes.map((c) => staffName.get(c.teacherUserId) ?? '')],
    ['班主任', ...classes.map((c) => staffName.get(c.headTeacherUserId) ?? '')],
    ['上课时间', ...classes.map((c) => c.startTime)],
    ['下课时间', ...classes.map((c) => c.endTime)],
    ['所在阶段', ...classes.map((c) => `${sectionNameOfLevel(c.levelCode)}${levelName(c.levelCode)}`)],
    ['课程进度', ...classes.map((c) => c.courseProgress)],
    ['升段升班情况', ...classes.map((c) => c.promotion)],
    ['群ID', ...classes.map((c) => c.roomId)],
  ];
  const longest = Math.max(...classes.map((c) => pupils.get(c.key)?.length ?? 0));
  for (let i = 0; i < longest; i++) {
    rows.push([`学员${i + 1}`, ...classes.map((c) => {
      const s = pupils.get(c.key)?.[i];
      if (!s) return '';
      if (s.status === '在读') return s.name;
      return hashUnit(Number(s.key.slice(1))) < 0.2 ? `${s.name}（${s.status}）` : `${s.name}(${s.status})`;
    })]);
  }
  return toCsv(rows);
}

const PHONE_OWNER: Readonly<Record<DemoParent['relation'], string>> = { mother: '妈妈', father: '爸爸', guardian: '', other: '' };

/**
 * The flat enrolment export (docs/original-doitcrm.md#enrolment-csv): one row per pupil and class, with the gaps, "-" for pupils without a
 * current class, and the occasional "A班;B班" cell of the real file. Phones and ID numbers are the school's
 * obviously fake ones.
 */
export function enrolmentCsv(school: DemoSchool): string {
  const classNames = new Map(school.classes.map((c) => [c.key, c.name]));
  const primary = new Map<string, DemoParent>();
  for (const p of school.parents) for (const g of p.children) if (g.isPrimary && !primary.has(g.studentKey)) primary.set(g.studentKey, p);
  const rows: string[][] = [['学员姓名', '手机号身份', '手机号', '所在班级', '学校', '住址', '学员身份证号码', '家长姓名']];
  school.students.forEach((s, index) => {
    const parent = primary.get(s.key);
    const roll = (salt: number) => hashUnit(index, salt);
    const owner = parent && roll(1) < 0.78 ? PHONE_OWNER[parent.relation] : '';
    const base = [
      s.englishName ? `${s.englishName}${s.name}` : s.name,
      owner,
      parent?.phone ?? '',
    ];
    const rest = [s.school ?? '', s.address ?? '', s.nationalId ?? '', parent && roll(2) < 0.82 ? parent.name : ''];
    const names = s.classKeys.map((k) => classNames.get(k) ?? '');
    if (s.status === '已退费') rows.push([...base, '-', ...rest]);
    else if (names.length > 1 && roll(3) < 0.5) rows.push([...base, names.join(';'), ...rest]);
    else for (const n of names) rows.push([...base, n, ...rest]);
  });
  return toCsv(rows);
}

export type CsvEncoding = 'utf8' | 'utf8-bom' | 'gbk';
export const CSV_ENCODINGS: readonly CsvEncoding[] = ['utf8', 'utf8-bom', 'gbk'];

/** The bytes a school's Excel would save: plain UTF-8, "CSV UTF-8" (with BOM), or GBK from a Chinese Windows. */
export function encodeCsv(text: string, encoding: CsvEncoding = 'utf8'): Buffer {
  if (encoding === 'gbk') return iconv.encode(text, 'gbk');
  const bytes = Buffer.from(text, 'utf8');
  return encoding === 'utf8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes;
}
