import type { LegacySchema } from './legacy-source.ts';

/** What one table group did: rows read from the original and what became of each. */
export interface GroupCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** rows not imported; each has a problem in the report saying why */
  skipped: number;
}

export type GroupName = 'chat' | 'people' | 'classes' | 'students' | 'guardianships' | 'analyses';

/** A row of the original that did not land (or landed changed), and why. */
export interface LegacyProblem {
  group: GroupName;
  table: string;
  key: string;
  reason: string;
}

/** Where the original and this installation disagree; this installation's value is kept unless `--prefer legacy`. */
export interface LegacyConflict {
  kind: 'identity' | 'student-name' | 'class';
  key: string;
  field: string;
  here: string | null;
  legacy: string | null;
}

export interface LegacyReport {
  source: string;
  mode: 'preview' | 'import';
  preferLegacy: boolean;
  schema: LegacySchema;
  schemaDescription: string;
  /** rows per table of the original */
  tableCounts: Record<string, number>;
  groups: Partial<Record<GroupName, GroupCounts>>;
  problems: LegacyProblem[];
  conflicts: LegacyConflict[];
  /** national ids read but not kept: storing them is off here (or no key) */
  nationalIdsDropped: number;
  runId: number | null;
  /** true when the import changed nothing here (a rerun of the same database) */
  nothingChanged: boolean;
}

export const emptyCounts = (): GroupCounts => ({ read: 0, inserted: 0, updated: 0, unchanged: 0, skipped: 0 });

/** Collects one group's counts and problems while it runs. */
export class GroupTally {
  readonly counts = emptyCounts();
  readonly problems: LegacyProblem[] = [];
  readonly conflicts: LegacyConflict[] = [];

  constructor(readonly group: GroupName) {}

  skip(table: string, key: string | number, reason: string): void {
    this.counts.skipped += 1;
    this.problems.push({ group: this.group, table, key: String(key), reason });
  }

  /** a row that landed, but not all of it (a value dropped or replaced) */
  note(table: string, key: string | number, reason: string): void {
    this.problems.push({ group: this.group, table, key: String(key), reason });
  }
}

const GROUP_LABELS: Record<GroupName, string> = {
  chat: '聊天记录', people: '人员（企业微信 ID）', classes: '段/阶/班级', students: '学生', guardianships: '家长-学生关系', analyses: '旧 AI 分析',
};

/** The report as an operator reads it in a terminal. */
export function renderReport(report: LegacyReport, maxListed = 30): string {
  const lines: string[] = [];
  lines.push(`来源 (source): ${report.source}`);
  lines.push(`识别的版本 (schema): ${report.schemaDescription}`);
  lines.push('', '原库各表行数 (rows per table):');
  for (const [table, count] of Object.entries(report.tableCounts)) lines.push(`  ${table.padEnd(40)} ${count}`);
  lines.push('', report.mode === 'preview' ? '将会导入 (would import):' : '导入结果 (imported):');
  for (const [group, counts] of Object.entries(report.groups) as Array<[GroupName, GroupCounts]>) {
    lines.push(`  ${GROUP_LABELS[group]}: 读取 ${counts.read}，新增 ${counts.inserted}，补充/更新 ${counts.updated}，未变 ${counts.unchanged}，未导入 ${counts.skipped}`);
  }
  if (report.nationalIdsDropped > 0) lines.push(`  身份证号 ${report.nationalIdsDropped} 个未保存：本系统未开启保存身份证号（花名册设置）`);
  lines.push('', `无法导入或有改动的行 (rows not imported, and why): ${report.problems.length}`);
  for (const problem of report.problems.slice(0, maxListed)) lines.push(`  [${problem.table} ${problem.key}] ${problem.reason}`);
  if (report.problems.length > maxListed) lines.push(`  …另有 ${report.problems.length - maxListed} 条，见完整报告`);
  lines.push('', `与本系统现有数据的冲突 (conflicts; this installation's value is kept${report.preferLegacy ? ' unless --prefer legacy: legacy values win' : ''}): ${report.conflicts.length}`);
  for (const conflict of report.conflicts.slice(0, maxListed)) {
    lines.push(`  [${conflict.key}] ${conflict.field}: 本系统「${conflict.here ?? ''}」 原库「${conflict.legacy ?? ''}」`);
  }
  if (report.conflicts.length > maxListed) lines.push(`  …另有 ${report.conflicts.length - maxListed} 条，见完整报告`);
  if (report.mode === 'import') {
    lines.push('', report.nothingChanged ? '没有任何变化：这个库已经导入过 (nothing changed: this database was imported already)' : '导入完成 (import finished)');
  }
  return lines.join('\n');
}
