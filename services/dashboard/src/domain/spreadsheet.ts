import ExcelJS from 'exceljs';
import { toCsv } from '@doitcrm/kit';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number | null;
  width?: number;
}

/**
 * A text cell Excel will not run as a formula: names and messages are chosen by outsiders, so a leading = + - @
 * (or tab / CR) gets an apostrophe, exactly as the CSV export does.
 */
export function safeCellValue(value: string | number | null): string | number | null {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function toCsvText<Row>(rows: Row[], columns: Array<Column<Row>>): string {
  return toCsv(rows, columns.map((column) => ({ header: column.header, value: column.value })));
}

/** One worksheet per entry; every string cell is written as text (never as a formula). */
export async function toWorkbook(sheets: Array<{ name: string; rows: unknown[]; columns: Array<Column<never>> }>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'DoitCRM 校区看板';
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    worksheet.columns = sheet.columns.map((column) => ({ header: column.header, width: column.width ?? 14 }));
    worksheet.getRow(1).font = { bold: true };
    for (const row of sheet.rows) {
      const added = worksheet.addRow(sheet.columns.map((column) => safeCellValue((column.value as (row: unknown) => string | number | null)(row))));
      added.eachCell((cell) => {
        if (typeof cell.value === 'string') cell.numFmt = '@';
      });
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
