import type { PoolClient } from '@doitcrm/kit';

export type ChangedTable = 'staff' | 'classes' | 'students' | 'enrolments' | 'student_contacts' | 'student_national_ids';
type Row = Record<string, unknown>;

/** One row an import wrote, as undo sees it. */
export interface ChangeEntry {
  table: ChangedTable;
  op: 'insert' | 'update';
  key: Row;
  /** updates: the row as it was before */
  before: Row | null;
  /** { h: md5 of the row's text as written } (enough to tell whether it changed since); older logs: the whole row */
  after: Row;
}

/** What one logged write did: how many rows, and their keys column by column (the staff ids are needed back). */
export interface LoggedWrite {
  table: ChangedTable;
  op: 'insert' | 'update';
  count: number;
  keys: Record<string, unknown[]>;
}

const KEY_COLUMNS: Record<ChangedTable, string[]> = {
  staff: ['id'],
  classes: ['id'],
  students: ['id'],
  student_contacts: ['id', 'student_id'],
  enrolments: ['student_id', 'class_id'],
  student_national_ids: ['student_id'],
};

/**
 * Runs one write and logs it for undo in the same statement, as one log row per write rather than one per written
 * row: the keys and the hashes of the rows as written go in column by column (`row_key: {id: [...]}`,
 * `after: {h: [...]}`) and updates add the rows' before-images (`before: [...]`), in the same order. The images never
 * travel to Node and back. `write` is a data-modifying statement whose RETURNING gives the key columns, `h`
 * (md5 of the written row's text) and, for updates, `before` (the row as it was: a joined copy of the target table
 * reads the rows as they were before the statement). The images are turned into JSON once, as one array, rather than
 * row by row.
 */
export async function writeLogged(client: PoolClient, spec: {
  importId: number;
  table: ChangedTable;
  op: 'insert' | 'update';
  write: string;
  params: unknown[];
}): Promise<LoggedWrite> {
  const importParam = `$${spec.params.length + 1}`;
  const keys = KEY_COLUMNS[spec.table].map((column) => `'${column}', to_jsonb(array_agg(w.${column}))`).join(', ');
  const sql = `WITH w AS (${spec.write})
    INSERT INTO crm.roster_import_changes (import_id, table_name, op, row_key, before, after)
    SELECT ${importParam}, '${spec.table}', '${spec.op}', jsonb_build_object(${keys}), ${spec.op === 'update' ? 'to_jsonb(array_agg(w.before))' : 'NULL'},
           jsonb_build_object('h', to_jsonb(array_agg(w.h)))
    FROM w HAVING count(*) > 0 RETURNING row_key`;
  const { rows } = await client.query<{ row_key: Record<string, unknown[]> }>(sql, [...spec.params, spec.importId]);
  const logged = rows[0]?.row_key ?? {};
  return { table: spec.table, op: spec.op, count: logged[KEY_COLUMNS[spec.table][0]!]?.length ?? 0, keys: logged };
}

/**
 * The log row by row. Commits before the log was kept per write stored one row per written row (`row_key: {id: 1}`,
 * `after`: the whole row for updates, `{h}` for inserts); both shapes are read.
 */
export function expandChanges(rows: ReadonlyArray<{ table: ChangedTable; op: 'insert' | 'update'; key: Row; before: unknown; after: Row }>): ChangeEntry[] {
  const entries: ChangeEntry[] = [];
  for (const row of rows) {
    const columns = KEY_COLUMNS[row.table];
    const first = row.key[columns[0]!];
    if (!Array.isArray(first)) {
      entries.push({ table: row.table, op: row.op, key: row.key, before: (row.before as Row | null) ?? null, after: row.after });
      continue;
    }
    const befores = (row.before as Row[] | null) ?? [];
    const hashes = row.after.h as string[];
    first.forEach((_, i) => {
      const key = Object.fromEntries(columns.map((column) => [column, (row.key[column] as unknown[])[i]]));
      entries.push({ table: row.table, op: row.op, key, before: befores[i] ?? null, after: { h: hashes[i] } });
    });
  }
  return entries;
}
