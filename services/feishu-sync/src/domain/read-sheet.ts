import { CsvError, parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { ValidationError, decodeTextUpload, isZip, type DetectedEncoding } from '@doitcrm/kit';

/** A cell as read: CSV gives text; xlsx also gives numbers and dates (Excel's own date cells). */
export type SheetCell = string | number | Date | null;

export interface Sheet {
  format: 'csv' | 'xlsx';
  encoding: DetectedEncoding | null;
  rows: SheetCell[][];
}

function excelCell(value: ExcelJS.CellValue): SheetCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return String(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('result' in value) return excelCell((value.result ?? null) as ExcelJS.CellValue);
  if ('text' in value) return String(value.text);
  return null;
}

async function readXlsx(bytes: Buffer, fileName: string): Promise<SheetCell[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw new ValidationError(`${fileName} 不是有效的 xlsx 文件`, [{ field: 'file', message: String((error as Error).message) }]);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new ValidationError(`${fileName} 没有工作表`, [{ field: 'file', message: 'the workbook has no worksheet' }]);
  const rows: SheetCell[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: SheetCell[] = [];
    for (let c = 1; c <= Math.max(row.cellCount, 0); c++) cells.push(excelCell(row.getCell(c).value));
    rows.push(cells);
  }
  return rows;
}

function readCsv(text: string, fileName: string): SheetCell[][] {
  try {
    return parse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines;
    throw new ValidationError(`${fileName} 不是有效的 CSV：第 ${line ?? '?'} 行 ${error.message}`, [{ field: 'file', line, message: error.code }]);
  }
}

/** The rows of an uploaded export, CSV in any of the encodings 小鹅通 and Excel write, or .xlsx (first sheet). */
export async function readSheet(bytes: Buffer, fileName: string): Promise<Sheet> {
  if (isZip(bytes)) return { format: 'xlsx', encoding: null, rows: await readXlsx(bytes, fileName) };
  const { text, encoding } = decodeTextUpload(bytes);
  return { format: 'csv', encoding, rows: readCsv(text, fileName) };
}
