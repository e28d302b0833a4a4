import { ValidationError, decodeTextUpload, looksBinary, type DetectedEncoding } from '@doitcrm/kit';
import type { ImportKind, RosterDraft } from './draft.ts';
import { looksLikeEnrolment, parseEnrolment } from './enrolment-parser.ts';
import { parseMatrix } from './matrix-parser.ts';
import { readCsvRows } from './read-csv.ts';

export interface ParsedRosterFile {
  encoding: DetectedEncoding;
  draft: RosterDraft;
}

/** Bytes of an upload → the draft of one kind; the kind is guessed from the header when the caller does not say. */
export function parseRosterFile(bytes: Buffer, fileName: string, kind?: ImportKind): ParsedRosterFile {
  if (bytes.length === 0) throw new ValidationError(`${fileName} 是空文件`, [{ field: 'file', file: fileName, message: 'the file is empty' }]);
  if (looksBinary(bytes)) {
    throw new ValidationError(`${fileName} 不是 CSV 文本文件（如为 Excel，请“另存为 CSV”后再上传）`, [
      { field: 'file', file: fileName, line: 1, message: 'not a CSV: binary content (xlsx/zip/image?)' },
    ]);
  }
  const { text, encoding } = decodeTextUpload(bytes);
  const rows = readCsvRows(text, fileName);
  const chosen = kind ?? (looksLikeEnrolment(rows[0] ?? []) ? 'enrolment' : 'matrix');
  const draft = chosen === 'enrolment' ? parseEnrolment(rows, fileName) : parseMatrix(rows, fileName);
  return { encoding, draft };
}
