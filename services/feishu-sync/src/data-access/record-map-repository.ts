import type { Queryable } from '@doitcrm/kit';

export type TableKind = 'students' | 'records';

/** The records a run created, by table and row key (用户ID for students, the record key for learning records). */
export async function createdRecords(db: Queryable, runId: number, table: TableKind): Promise<Map<string, string>> {
  const { rows } = await db.query<{ row_key: string; record_id: string }>(
    'SELECT row_key, record_id FROM feishu.created_records WHERE run_id = $1 AND table_kind = $2', [runId, table],
  );
  return new Map(rows.map((r) => [r.row_key, r.record_id]));
}

export async function recordCreated(db: Queryable, runId: number, table: TableKind, batchNo: number, created: Array<{ key: string; recordId: string }>): Promise<void> {
  await db.query(
    `INSERT INTO feishu.created_records (run_id, table_kind, batch_no, row_key, record_id)
     SELECT $1, $2, $3, k, r FROM unnest($4::text[], $5::text[]) AS t(k, r) ON CONFLICT DO NOTHING`,
    [runId, table, batchNo, created.map((c) => c.key), created.map((c) => c.recordId)],
  );
}

export async function forgetCreated(db: Queryable, runId: number, recordIds: readonly string[]): Promise<void> {
  await db.query('DELETE FROM feishu.created_records WHERE run_id = $1 AND record_id = ANY($2::text[])', [runId, recordIds]);
}

/** Cells of existing records as they were before the run: the first write wins, so a resume keeps the true "before". */
export async function rememberBefore(db: Queryable, runId: number, table: TableKind, rows: Array<{ recordId: string; before: Record<string, unknown> }>): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO feishu.changed_records (run_id, table_kind, record_id, before)
     SELECT $1, $2, r, b FROM unnest($3::text[], $4::jsonb[]) AS t(r, b) ON CONFLICT DO NOTHING`,
    [runId, table, rows.map((r) => r.recordId), rows.map((r) => JSON.stringify(r.before))],
  );
}

export async function changedBefore(db: Queryable, runId: number): Promise<Array<{ table: TableKind; recordId: string; before: Record<string, unknown> }>> {
  const { rows } = await db.query<{ table_kind: TableKind; record_id: string; before: Record<string, unknown> }>(
    'SELECT table_kind, record_id, before FROM feishu.changed_records WHERE run_id = $1 ORDER BY record_id', [runId],
  );
  return rows.map((r) => ({ table: r.table_kind, recordId: r.record_id, before: r.before }));
}

export async function forgetChanged(db: Queryable, runId: number, recordIds: readonly string[]): Promise<void> {
  await db.query('DELETE FROM feishu.changed_records WHERE run_id = $1 AND record_id = ANY($2::text[])', [runId, recordIds]);
}
