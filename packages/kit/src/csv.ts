/**
 * CSV for people who open it in Excel: UTF-8 with a BOM (or Excel guesses the encoding wrong for Chinese), CRLF,
 * every cell quoted when needed, and cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the
 * start — nicknames are chosen by outsiders) prefixed with an apostrophe.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv<Row>(rows: Iterable<Row>, columns: Array<{ header: string; value: (row: Row) => unknown }>): string {
  const lines = [columns.map((column) => csvCell(column.header)).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(column.value(row))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
