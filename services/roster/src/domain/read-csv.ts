import { CsvError, parse } from 'csv-parse/sync';
import { ValidationError } from '@doitcrm/kit';

/** Rows of a CSV text; a malformed file is a 400 that names the file, line and column csv-parse stopped at. */
export function readCsvRows(text: string, fileName: string): string[][] {
  try {
    return parse(text, { relax_column_count: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const details = error as CsvError & { lines?: number; column?: number };
    const line = details.lines ?? undefined;
    throw new ValidationError(`${fileName} 不是有效的 CSV：第 ${line ?? '?'} 行 ${error.message}`, [
      { field: 'file', file: fileName, line, message: `${error.code}: ${error.message}${details.column !== undefined ? ` (column ${details.column})` : ''}` },
    ]);
  }
}
