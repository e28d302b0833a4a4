import { lockForTransaction, type Queryable } from '@doitcrm/kit';
import type { ImportKind, RosterDraft } from '../domain/draft.ts';

export type ImportStatus = 'previewed' | 'committed' | 'undone' | 'discarded';

export interface ImportRecord {
  id: number;
  kind: ImportKind;
  fileName: string;
  fileSize: number;
  fileSha256: string;
  encoding: string;
  status: ImportStatus;
  draft: RosterDraft;
  report: Record<string, unknown> | null;
  createdBy: number | null;
  createdByName: string | null;
  createdAt: Date;
  committedAt: Date | null;
  committedByName: string | null;
  undoneAt: Date | null;
  undoneByName: string | null;
}

export type ImportSummaryRecord = Omit<ImportRecord, 'draft'>;

const SUMMARY_COLUMNS = `
  i.id, i.kind, i.file_name AS "fileName", i.file_size AS "fileSize", i.file_sha256 AS "fileSha256", i.encoding, i.status, i.report,
  i.created_by AS "createdBy", cu.username AS "createdByName", i.created_at AS "createdAt", i.committed_at AS "committedAt",
  mu.username AS "committedByName", i.undone_at AS "undoneAt", uu.username AS "undoneByName"`;
const USER_JOINS = `
  LEFT JOIN auth.users cu ON cu.id = i.created_by LEFT JOIN auth.users mu ON mu.id = i.committed_by LEFT JOIN auth.users uu ON uu.id = i.undone_by`;

export async function insertImport(db: Queryable, values: {
  kind: ImportKind; fileName: string; fileSize: number; fileSha256: string; encoding: string; draft: RosterDraft; createdBy: number | null;
}): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO crm.roster_imports (kind, file_name, file_size, file_sha256, encoding, draft, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [values.kind, values.fileName, values.fileSize, values.fileSha256, values.encoding, JSON.stringify(values.draft), values.createdBy],
  );
  return rows[0]!.id;
}

export async function findImport(db: Queryable, id: number, options: { forUpdate?: boolean } = {}): Promise<ImportRecord | null> {
  const { rows } = await db.query<ImportRecord>(
    `SELECT ${SUMMARY_COLUMNS}, i.draft FROM crm.roster_imports i ${USER_JOINS} WHERE i.id = $1 ${options.forUpdate ? 'FOR UPDATE OF i' : ''}`,
    [id],
  );
  return rows[0] ?? null;
}

export async function findImportSummary(db: Queryable, id: number): Promise<ImportSummaryRecord | null> {
  const { rows } = await db.query<ImportSummaryRecord>(`SELECT ${SUMMARY_COLUMNS} FROM crm.roster_imports i ${USER_JOINS} WHERE i.id = $1`, [id]);
  return rows[0] ?? null;
}

export async function listImports(db: Queryable, options: { limit: number; before?: number }): Promise<{ items: ImportSummaryRecord[]; nextCursor: number | null }> {
  const { rows } = await db.query<ImportSummaryRecord>(
    `SELECT ${SUMMARY_COLUMNS} FROM crm.roster_imports i ${USER_JOINS}
     WHERE i.status <> 'discarded' AND ($1::bigint IS NULL OR i.id < $1) ORDER BY i.id DESC LIMIT $2`,
    [options.before ?? null, options.limit + 1],
  );
  const items = rows.slice(0, options.limit);
  return { items, nextCursor: rows.length > options.limit ? items[items.length - 1]!.id : null };
}

export async function updateDraft(db: Queryable, id: number, draft: RosterDraft): Promise<void> {
  await db.query('UPDATE crm.roster_imports SET draft = $2 WHERE id = $1', [id, JSON.stringify(draft)]);
}

/** The draft (the file's personal data) is not kept once committed: the data is in the roster, the report says what happened. */
export async function markCommitted(db: Queryable, id: number, report: object, userId: number | null): Promise<void> {
  await db.query(
    "UPDATE crm.roster_imports SET status = 'committed', report = $2, committed_by = $3, committed_at = now(), draft = '{}'::jsonb WHERE id = $1",
    [id, JSON.stringify(report), userId],
  );
}

export async function markUndone(db: Queryable, id: number, userId: number | null): Promise<void> {
  await db.query("UPDATE crm.roster_imports SET status = 'undone', undone_by = $2, undone_at = now() WHERE id = $1", [id, userId]);
}

export async function markDiscarded(db: Queryable, id: number): Promise<void> {
  await db.query("UPDATE crm.roster_imports SET status = 'discarded', draft = '{}'::jsonb WHERE id = $1 AND status = 'previewed'", [id]);
}

/** Previews nobody committed hold the file's personal data: they are emptied after a day. */
export async function discardStalePreviews(db: Queryable, olderThanHours = 24): Promise<number> {
  const result = await db.query(
    "UPDATE crm.roster_imports SET status = 'discarded', draft = '{}'::jsonb WHERE status = 'previewed' AND created_at < now() - make_interval(hours => $1)",
    [olderThanHours],
  );
  return result.rowCount ?? 0;
}

export async function lastCommitOfFile(db: Queryable, sha256: string): Promise<{ id: number; committedAt: Date } | null> {
  const { rows } = await db.query<{ id: number; committedAt: Date }>(
    `SELECT id, committed_at AS "committedAt" FROM crm.roster_imports WHERE file_sha256 = $1 AND status = 'committed' ORDER BY id DESC LIMIT 1`,
    [sha256],
  );
  return rows[0] ?? null;
}

/** One lock for every roster write (imports, undo, edits): they are rare, and serialising them keeps diffs honest. */
export async function lockRoster(db: Queryable): Promise<void> {
  await lockForTransaction(db, 'doitcrm.roster');
}
