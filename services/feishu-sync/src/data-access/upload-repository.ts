import { toIso, type Queryable } from '@doitcrm/kit';
import type { RowError, SourceRow } from '../domain/validate-rows.ts';

export interface StoredUpload {
  id: number;
  fileName: string;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  rows: SourceRow[];
  rowErrors: RowError[];
  totalRows: number;
  createdBy: number | null;
  createdAt: string;
}

interface UploadRow {
  id: string; file_name: string; format: 'csv' | 'xlsx'; encoding: string | null; rows: SourceRow[]; row_errors: RowError[];
  total_rows: number; created_by: string | null; created_at: Date;
}

const toUpload = (row: UploadRow): StoredUpload => ({
  id: Number(row.id), fileName: row.file_name, format: row.format, encoding: row.encoding, rows: row.rows, rowErrors: row.row_errors,
  totalRows: row.total_rows, createdBy: row.created_by === null ? null : Number(row.created_by), createdAt: toIso(row.created_at)!,
});

export async function insertUpload(db: Queryable, upload: Omit<StoredUpload, 'id' | 'createdAt'>): Promise<StoredUpload> {
  const { rows } = await db.query<UploadRow>(
    `INSERT INTO feishu.uploads (file_name, format, encoding, rows, row_errors, total_rows, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [upload.fileName, upload.format, upload.encoding, JSON.stringify(upload.rows), JSON.stringify(upload.rowErrors), upload.totalRows, upload.createdBy],
  );
  return toUpload(rows[0]!);
}

export async function findUpload(db: Queryable, id: number): Promise<StoredUpload | null> {
  const { rows } = await db.query<UploadRow>('SELECT * FROM feishu.uploads WHERE id = $1', [id]);
  return rows[0] ? toUpload(rows[0]) : null;
}
