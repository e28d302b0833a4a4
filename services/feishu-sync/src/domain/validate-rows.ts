import { FIELD_LABELS, resolveColumns, SOURCE_FIELDS, type FieldMapping, type SourceField } from './columns.ts';
import type { SheetCell } from './read-sheet.ts';

/** One good row of the export: `line` is its row in the file (the header is row 1), `studyDate` a Beijing day. */
export interface SourceRow {
  line: number;
  userId: string;
  nickname: string;
  course: string;
  studyDate: string;
  phone: string | null;
}

/** A problem with one cell, named by row and column as the file shows them. */
export interface RowError {
  row: number;
  column: string;
  message: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

function validDay(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1990 || y > 2100 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

// 小鹅通 writes 2024-01-15 10:30:00 and 2024/1/15; Excel re-saves as 2024/1/15 10:30; Chinese locales 2024年1月15日
const DATE_TEXT = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/u;
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** The Beijing day a cell names, or null. xlsx date cells carry the wall-clock time as UTC (ExcelJS), so UTC parts are the day. */
export function parseStudyDate(cell: SheetCell): string | null {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : validDay(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate());
  if (typeof cell === 'number') {
    const date = new Date(EXCEL_EPOCH + Math.floor(cell) * 86_400_000);
    return validDay(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
  }
  const text = (cell ?? '').trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/u.exec(text);
  if (compact) return validDay(Number(compact[1]), Number(compact[2]), Number(compact[3]));
  const match = DATE_TEXT.exec(text);
  return match ? validDay(Number(match[1]), Number(match[2]), Number(match[3])) : null;
}

/**
 * A phone as Feishu's phone field takes it (`(\+)?\d*`, spec §2.4): separators dropped; a mainland mobile is 11
 * digits from 1 (a +86 / 86 prefix is dropped), anything else must be + and 6–15 digits. Null when the shape is wrong.
 */
export function normalisePhone(raw: string): string | null {
  const text = raw.replace(/[\s\-()（）]/gu, '');
  const mainland = /^(?:\+?86)?(1\d{10})$/u.exec(text);
  if (mainland) return mainland[1]!;
  return /^\+\d{6,15}$/u.test(text) ? text : null;
}

const cellText = (cell: SheetCell | undefined): string => {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).trim();
};

/**
 * The export's rows checked one by one: a bad row is reported (row and column in every message) and left out, the
 * good rows are kept. Blank lines are skipped. Throws nothing: a missing required column is the caller's 400.
 */
export function validateRows(rows: SheetCell[][], mapping: FieldMapping) {
  const header = (rows[0] ?? []).map((cell) => cellText(cell));
  const { columns, missing } = resolveColumns(header, mapping);
  const good: SourceRow[] = [];
  const errors: RowError[] = [];
  let dataRows = 0;
  for (let i = 1; i < rows.length && missing.length === 0; i++) {
    const row = rows[i]!;
    if (row.every((cell) => cellText(cell) === '')) continue;
    dataRows++;
    const line = i + 1;
    const rowErrors: RowError[] = [];
    const at = (field: SourceField) => row[columns[field]!];
    const columnName = (field: SourceField) => header[columns[field]!] || FIELD_LABELS[field];
    const text = (field: SourceField, max: number): string => {
      const value = cellText(at(field));
      if (value === '') rowErrors.push({ row: line, column: columnName(field), message: `第 ${line} 行「${columnName(field)}」为空` });
      else if (value.length > max) rowErrors.push({ row: line, column: columnName(field), message: `第 ${line} 行「${columnName(field)}」超过 ${max} 个字` });
      return value;
    };
    const userId = text('userId', 100);
    const nickname = text('nickname', 100);
    const course = text('course', 200);
    const studyDate = parseStudyDate(at('studyDate') ?? null);
    if (!studyDate) {
      rowErrors.push({ row: line, column: columnName('studyDate'), message: `第 ${line} 行「${columnName('studyDate')}」不是日期（${cellText(at('studyDate')).slice(0, 40) || '空'}），应为 2024-01-15、2024/1/15 或 2024-01-15 10:30:00` });
    }
    let phone: string | null = null;
    if (columns.phone !== undefined && cellText(at('phone')) !== '') {
      phone = normalisePhone(cellText(at('phone')));
      if (!phone) rowErrors.push({ row: line, column: columnName('phone'), message: `第 ${line} 行「${columnName('phone')}」不是手机号：应为 11 位大陆手机号，或 + 开头的国际号码` });
    }
    if (rowErrors.length > 0) errors.push(...rowErrors);
    else good.push({ line, userId, nickname, course, studyDate: studyDate!, phone });
  }
  const found = Object.fromEntries(SOURCE_FIELDS.filter((f) => columns[f] !== undefined).map((f) => [f, header[columns[f]!]!]));
  return { header, columns: found as Partial<Record<SourceField, string>>, missing, rows: good, errors, dataRows };
}
