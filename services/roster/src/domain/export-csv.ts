import { toCsv } from '@doitcrm/kit';
import type { ExportClass, ExportEnrolment } from '../data-access/export-repository.ts';
import { DEFAULT_STATUS } from './cell-rules.ts';

/** UTF-8 with BOM, formula-safe (kit's toCsv); Chinese headers as the school's own sheets have them. */
export function classesCsv(classes: readonly ExportClass[]): string {
  return toCsv(classes, [
    { header: '段', value: (c) => c.sectionName }, { header: '阶', value: (c) => c.levelName }, { header: '班级', value: (c) => c.name },
    { header: '群ID', value: (c) => c.roomId }, { header: '主教老师', value: (c) => c.teacher }, { header: '班主任', value: (c) => c.headTeacher },
    { header: '上课时间', value: (c) => c.startTime }, { header: '下课时间', value: (c) => c.endTime },
    { header: '课程进度', value: (c) => c.courseProgress }, { header: '升段升班情况', value: (c) => c.promotion },
    { header: '状态', value: (c) => (c.isActive ? '启用' : '停用') },
  ]);
}

export function studentsCsv(classes: readonly ExportClass[], enrolments: readonly ExportEnrolment[]): string {
  const byId = new Map(classes.map((c) => [c.id, c]));
  return toCsv(enrolments, [
    { header: '班级', value: (e) => byId.get(e.classId)?.name }, { header: '段', value: (e) => byId.get(e.classId)?.sectionName },
    { header: '阶', value: (e) => byId.get(e.classId)?.levelName }, { header: '群ID', value: (e) => byId.get(e.classId)?.roomId },
    { header: '学员姓名', value: (e) => e.name }, { header: '英文名', value: (e) => e.englishName }, { header: '状态', value: (e) => e.status },
    { header: '学校', value: (e) => e.school },
  ]);
}

/** The school's matrix layout back (classes as columns), so an export can be edited in Excel and imported again. */
export function matrixCsv(classes: readonly ExportClass[], enrolments: readonly ExportEnrolment[]): string {
  const pupils = new Map<number, string[]>(classes.map((c) => [c.id, []]));
  for (const e of enrolments) pupils.get(e.classId)?.push(e.status === DEFAULT_STATUS ? e.name : `${e.name}(${e.status})`);
  const attributeRows: Array<[string, (c: ExportClass) => string | null]> = [
    ['主教老师', (c) => c.teacher], ['班主任', (c) => c.headTeacher], ['上课时间', (c) => c.startTime], ['下课时间', (c) => c.endTime],
    ['所在阶段', (c) => `${c.sectionName}${c.levelName}`], ['课程进度', (c) => c.courseProgress], ['升段升班情况', (c) => c.promotion],
    ['群ID', (c) => c.roomId],
  ];
  const longest = Math.max(0, ...[...pupils.values()].map((list) => list.length));
  const rows: Array<Array<string | null>> = [
    ...attributeRows.map(([label, value]) => [label, ...classes.map(value)]),
    ...Array.from({ length: longest }, (_, i) => [`学员${i + 1}`, ...classes.map((c) => pupils.get(c.id)?.[i] ?? null)]),
  ];
  return toCsv(rows, [{ header: '班级', value: (row) => row[0] }, ...classes.map((c, i) => ({ header: c.name, value: (row: Array<string | null>) => row[i + 1] }))]);
}
