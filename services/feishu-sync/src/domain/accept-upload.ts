import { maskPhone, ValidationError, type Queryable, ENCODING_LABELS } from '@doitcrm/kit';
import { readMapping } from '../data-access/mapping-repository.ts';
import { insertUpload } from '../data-access/upload-repository.ts';
import { FIELD_LABELS } from './columns.ts';
import { readSheet } from './read-sheet.ts';
import { validateRows } from './validate-rows.ts';

const ERRORS_ANSWERED = 1000;

/**
 * An export read, checked row by row with the saved column mapping, and kept: good rows stay for the dry run and the
 * sync, bad rows are reported by row and column. A file without a required column is refused as a whole (400).
 */
export async function acceptUpload(db: Queryable, upload: { bytes: Buffer; fileName: string; userId: number | null }, maxUploadMb: number) {
  const sheet = await readSheet(upload.bytes, upload.fileName);
  const checked = validateRows(sheet.rows, await readMapping(db));
  if (checked.missing.length > 0) {
    const names = checked.missing.map((f) => FIELD_LABELS[f]);
    throw new ValidationError(`缺少必需的列：${names.join('、')}（文件的列：${checked.header.join('、') || '无'}）；可在「字段映射」里指定对应的列名`,
      checked.missing.map((f) => ({ field: f, message: `no column for ${FIELD_LABELS[f]}` })));
  }
  if (checked.dataRows === 0) throw new ValidationError(`${upload.fileName} 没有数据行`, [{ field: 'file', message: 'no data rows' }]);
  const stored = await insertUpload(db, {
    fileName: upload.fileName, format: sheet.format, encoding: sheet.encoding ? ENCODING_LABELS[sheet.encoding] : null,
    rows: checked.rows, rowErrors: checked.errors, totalRows: checked.dataRows, createdBy: upload.userId,
  });
  return {
    uploadId: stored.id, fileName: stored.fileName, format: stored.format, encoding: stored.encoding, columns: checked.columns,
    totalRows: checked.dataRows, validRows: checked.rows.length, errors: checked.errors.slice(0, ERRORS_ANSWERED), errorCount: checked.errors.length,
    preview: checked.rows.slice(0, 20).map((row) => ({ ...row, phone: maskPhone(row.phone) })),
    maxUploadMb,
  };
}
