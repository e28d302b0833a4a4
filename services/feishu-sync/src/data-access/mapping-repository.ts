import type { Queryable } from '@doitcrm/kit';
import type { FieldMapping } from '../domain/columns.ts';

export async function readMapping(db: Queryable): Promise<FieldMapping> {
  const { rows } = await db.query<{ mapping: FieldMapping }>("SELECT mapping FROM feishu.field_mappings WHERE name = 'default'");
  return rows[0]?.mapping ?? {};
}

export async function saveMapping(db: Queryable, mapping: FieldMapping, userId: number | null): Promise<void> {
  await db.query(
    `INSERT INTO feishu.field_mappings (name, mapping, updated_by) VALUES ('default', $1, $2)
     ON CONFLICT (name) DO UPDATE SET mapping = EXCLUDED.mapping, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [JSON.stringify(mapping), userId],
  );
}
