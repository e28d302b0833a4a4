import { isFeishuError, type FeishuClient, type TableRef } from '@doitcrm/feishu';
import { RECORD, STUDENT, type SyncTables } from './bitable-tables.ts';

/** Field types of spec §2.4 the sync writes: 1 text, 5 date, 13 phone, 18/21 link. */
const TEXT = [1];
const DATE = [5];
const LINK = [18, 21];
const TYPE_NAMES: Record<number, string> = { 1: '文本', 2: '数字', 3: '单选', 4: '多选', 5: '日期', 13: '电话', 15: '超链接', 18: '单向关联', 21: '双向关联' };

const EXPECTED: Record<keyof SyncTables, Array<{ name: string; types: number[]; required: boolean }>> = {
  students: [
    { name: STUDENT.userId, types: TEXT, required: true }, { name: STUDENT.nickname, types: TEXT, required: true },
    { name: STUDENT.phone, types: [13, 1], required: false }, { name: STUDENT.enteredAt, types: DATE, required: true },
    { name: STUDENT.records, types: LINK, required: true },
  ],
  records: [
    { name: RECORD.userId, types: TEXT, required: true }, { name: RECORD.course, types: TEXT, required: true },
    { name: RECORD.studyDate, types: DATE, required: true }, { name: RECORD.enteredAt, types: DATE, required: true },
    { name: RECORD.student, types: LINK, required: true },
  ],
};

export interface TableCheck {
  table: keyof SyncTables;
  ok: boolean;
  error: string | null;
  missing: string[];
  mistyped: Array<{ field: string; expected: string; actual: string }>;
}

const typeName = (type: number) => TYPE_NAMES[type] ?? `类型 ${type}`;

async function checkTable(client: FeishuClient, kind: keyof SyncTables, table: TableRef): Promise<TableCheck> {
  try {
    const fields = await client.listFields(table);
    const byName = new Map(fields.map((f) => [f.name, f]));
    const missing: string[] = [];
    const mistyped: TableCheck['mistyped'] = [];
    for (const want of EXPECTED[kind]) {
      const field = byName.get(want.name);
      if (!field) { if (want.required) missing.push(want.name); continue; }
      if (!want.types.includes(field.type)) mistyped.push({ field: want.name, expected: want.types.map(typeName).join(' 或 '), actual: typeName(field.type) });
    }
    return { table: kind, ok: missing.length === 0 && mistyped.length === 0, error: null, missing, mistyped };
  } catch (error) {
    if (!isFeishuError(error)) throw error;
    return { table: kind, ok: false, error: error.message, missing: [], mistyped: [] };
  }
}

/**
 * Credentials (a tenant token comes back), access to each table, and the field schema the sync writes: every missing
 * or mistyped field is named, so a renamed column is found before a run stops on 1254045.
 */
export async function testConnection(client: FeishuClient, tables: SyncTables) {
  const students = await checkTable(client, 'students', tables.students);
  const records = await checkTable(client, 'records', tables.records);
  const credentialsRefused = [students, records].some((t) => t.error?.includes('APP_SECRET') || t.error?.includes('凭证'));
  return { ok: students.ok && records.ok, credentials: !credentialsRefused, tables: [students, records], calls: client.calls.total };
}
