import { ValidationError } from '@doitcrm/kit';
import { className, optionalText, pupilCell, schedule, splitEnglishName } from './cell-rules.ts';
import { warning, type DraftClass, type DraftStudent, type RosterDraft } from './draft.ts';
import { parseStage } from './stage.ts';

type ClassAttribute = 'teacher' | 'headTeacher' | 'startTime' | 'endTime' | 'stageText' | 'courseProgress' | 'promotion' | 'roomId';

const ROW_LABELS: ReadonlyMap<string, ClassAttribute> = new Map([
  ['主教老师', 'teacher'], ['主教', 'teacher'], ['班主任', 'headTeacher'], ['上课时间', 'startTime'], ['下课时间', 'endTime'],
  ['所在阶段', 'stageText'], ['课程进度', 'courseProgress'], ['升段升班情况', 'promotion'], ['升级升班情况', 'promotion'],
  ['room_id', 'roomId'], ['roomid', 'roomId'], ['群id', 'roomId'], ['群组id', 'roomId'],
]);

export const MATRIX_ROW_LABELS = [...ROW_LABELS.keys()];

function attributeOf(label: string): ClassAttribute | undefined {
  return ROW_LABELS.get(label.normalize('NFKC').trim().toLowerCase());
}

function isPupilRow(label: string): boolean {
  return /^(学员|学生)/u.test(label.trim());
}

/**
 * The matrix roster: one column per class, attribute rows in any order, pupil rows labelled 学员…/学生…. Attributes
 * are gathered from the whole sheet before pupils are placed, so a 群ID row below the pupils still applies to them.
 */
export function parseMatrix(rows: string[][], fileName: string): RosterDraft {
  const header = rows[0] ?? [];
  const draft: RosterDraft = { kind: 'matrix', classes: [], students: [], warnings: [], ignoredCells: 0 };
  const labelled = rows.slice(1).map((cells, i) => ({ line: i + 2, label: (cells[0] ?? '').trim(), cells }));
  const known = labelled.filter((row) => attributeOf(row.label) !== undefined || isPupilRow(row.label));
  if (header.length < 2 || known.length === 0) {
    throw new ValidationError(
      `${fileName} 不是花名册矩阵格式：第一行应是班级名，第一列应有 主教老师 / 班主任 / 上课时间 / 所在阶段 / 群ID / 学员1 … 等行名`,
      [{ field: 'file', file: fileName, line: 1, message: 'wrong layout: expected class names across row 1 and row labels (主教老师, 学员1…) down column 1' }],
    );
  }

  const columns: Array<number | null> = header.map(() => null);
  for (let column = 1; column < header.length; column++) {
    const raw = (header[column] ?? '').trim();
    if (raw === '') {
      const hasData = labelled.some((row) => (row.cells[column] ?? '').trim() !== '');
      if (hasData) draft.warnings.push(warning(`第 ${column + 1} 列没有班级名，整列已忽略`, { row: 1, column: column + 1, field: 'className' }));
      continue;
    }
    columns[column] = draft.classes.length;
    draft.classes.push(emptyClass(raw, column + 1));
  }

  const seenAttributes = new Map<ClassAttribute, number>();
  for (const row of labelled) {
    const attribute = attributeOf(row.label);
    if (attribute === undefined) continue;
    const firstLine = seenAttributes.get(attribute);
    if (firstLine !== undefined) {
      draft.warnings.push(warning(`第 ${row.line} 行“${row.label}”与第 ${firstLine} 行重复，已忽略`, { row: row.line, column: 1, field: attribute }));
      continue;
    }
    seenAttributes.set(attribute, row.line);
    for (let column = 1; column < header.length; column++) {
      const index = columns[column];
      if (index === null || index === undefined) continue;
      setAttribute(draft, index, attribute, row.cells[column] ?? '', { row: row.line, column: column + 1 });
    }
  }

  for (const row of labelled) {
    if (!isPupilRow(row.label)) continue;
    for (let column = 1; column < header.length; column++) {
      const index = columns[column];
      if (index === null || index === undefined) continue;
      const pupil = pupilCell(row.cells[column] ?? '');
      if (!pupil) {
        draft.ignoredCells++;
        continue;
      }
      draft.students.push(pupilOf(pupil, draft.classes[index]!, index, { row: row.line, column: column + 1 }));
    }
  }
  return draft;
}

function emptyClass(rawName: string, column: number): DraftClass {
  return {
    ref: { row: 1, column }, name: className(rawName), rawName, stageText: null, stageRow: null, sectionName: null, levelName: null, roomId: null,
    teacher: null, headTeacher: null, startTime: null, endTime: null, courseProgress: null, promotion: null,
  };
}

function setAttribute(draft: RosterDraft, index: number, attribute: ClassAttribute, raw: string, ref: { row: number; column: number }): void {
  const target = draft.classes[index]!;
  const value = optionalText(raw);
  if (attribute === 'stageText') {
    applyStage(draft, target, value, ref);
  } else if (attribute === 'startTime' || attribute === 'endTime') {
    target[attribute] = value === null ? null : schedule(value);
  } else {
    target[attribute] = value;
  }
}

export function applyStage(draft: Pick<RosterDraft, 'warnings'>, target: DraftClass, value: string | null, ref: { row: number; column: number }): void {
  target.stageText = value;
  target.stageRow = ref.row;
  const stage = parseStage(value ?? '');
  target.sectionName = stage.sectionName;
  target.levelName = stage.levelName;
  if (!stage.recognised) {
    draft.warnings.push(warning(`班级“${target.name}”的所在阶段“${value}”无法识别（应如 L3、二段L4、三段 7）`, { ...ref, field: 'stage' }));
  }
}

function pupilOf(pupil: { name: string; status: string }, owner: DraftClass, classIndex: number, ref: { row: number; column: number }): DraftStudent {
  const { name, englishName } = splitEnglishName(pupil.name);
  return {
    ref, name, englishName, status: pupil.status, className: owner.name, classIndex,
    school: null, address: null, nationalId: null, guardian: null,
  };
}
