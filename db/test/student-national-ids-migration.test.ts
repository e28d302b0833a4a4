import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@doitcrm/kit/testing';
import { migrationsDir } from '../src/index.ts';

const [up, down] = fs.readFileSync(path.join(migrationsDir, '1764000012000_student-national-ids-encrypted.sql'), 'utf8')
  .split('-- Down Migration') as [string, string];
const [first, second] = ['110101201501010011', '110101201501010022'];
const hiddenParts = [first, second].map((n) => n.slice(3, -2));

/**
 * A database as the previous version left it: its own migration rolled back, then the plaintext copies the old roster
 * code made (the students' column, row images in the audit log and in both shapes of the undo log, a preview's draft).
 */
async function databaseWithPlaintextCopies(storing: boolean): Promise<{ client: pg.Client; drop(): Promise<void> }> {
  const database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`BEGIN; ${down}; COMMIT;`);
  await client.query(`
    UPDATE crm.roster_settings SET store_national_id = ${storing};
    INSERT INTO crm.students (id, name, national_id) VALUES (900001, '甲', '${first}'), (900002, '乙', '${second}'), (900003, '丙', NULL);
    INSERT INTO crm.roster_imports (id, kind, file_name, file_size, file_sha256, encoding, status, draft) VALUES
      (900001, 'enrolment', 'a.csv', 1, 'a', 'utf-8', 'committed', '{}'),
      (900002, 'enrolment', 'b.csv', 1, 'b', 'utf-8', 'previewed', '{"students": [{"name": "丁", "nationalId": "${first}"}]}');
    -- one row per statement: row 900002 changed since its import, so its hash is stale
    INSERT INTO crm.roster_import_changes (import_id, table_name, op, row_key, before, after)
      SELECT 900001, 'students', 'update', '{"id": [900001, 900002]}', jsonb_build_array(to_jsonb(a), to_jsonb(b)), jsonb_build_object('h', jsonb_build_array(md5(a::text), 'stale'))
      FROM crm.students a, crm.students b WHERE a.id = 900001 AND b.id = 900002;
    -- one row per written row (older commits): whole after-images of updates, hashes of inserts
    INSERT INTO crm.roster_import_changes (import_id, table_name, op, row_key, before, after)
      SELECT 900001, 'students', 'update', '{"id": 900001}', to_jsonb(a), to_jsonb(a) FROM crm.students a WHERE a.id = 900001;
    INSERT INTO crm.roster_import_changes (import_id, table_name, op, row_key, before, after)
      SELECT 900001, 'students', 'insert', '{"id": 900003}', NULL, jsonb_build_object('h', md5(a::text)) FROM crm.students a WHERE a.id = 900003;
    INSERT INTO auth.audit_log (service, action, details)
      SELECT 'roster', 'roster.student.update', jsonb_build_object('before', to_jsonb(a), 'after', to_jsonb(a)) FROM crm.students a WHERE a.id = 900001;
    INSERT INTO auth.audit_log (service, action, details)
      SELECT 'roster', 'roster.student.merge', jsonb_build_object('merged', to_jsonb(a)) FROM crm.students a WHERE a.id = 900002;`);
  return { client, drop: async () => { await client.end(); await database.drop(); } };
}

async function tablesContaining(client: pg.Client, needles: string[]): Promise<string[]> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
     WHERE table_schema IN ('crm', 'auth', 'ops') AND table_type = 'BASE TABLE' ORDER BY 1`);
  const found: string[] = [];
  for (const { name } of tables) {
    const { rows } = await client.query(`SELECT 1 FROM ${name} x WHERE x::text LIKE ANY($1::text[]) LIMIT 1`, [needles.map((n) => `%${n}%`)]);
    if (rows.length > 0) found.push(name);
  }
  return found;
}

describe('migration 1764000012000: ID numbers out of crm.students and out of every copy', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => { for (const cleanup of cleanups) await cleanup(); });

  it('when storing was on, then the numbers wait only in the legacy table (for the roster to encrypt) and no copy keeps them', async () => {
    const { client, drop } = await databaseWithPlaintextCopies(true);
    cleanups.push(drop);

    await client.query(`BEGIN; ${up}; COMMIT;`);

    expect(await tablesContaining(client, hiddenParts)).toEqual(['crm.student_national_ids_legacy']);
    const legacy = await client.query('SELECT student_id, national_id FROM crm.student_national_ids_legacy ORDER BY student_id');
    expect(legacy.rows).toEqual([{ student_id: 900001, national_id: first }, { student_id: 900002, national_id: second }]);
    const draft = await client.query('SELECT draft FROM crm.roster_imports WHERE id = 900002');
    expect(draft.rows[0].draft.students).toEqual([{ name: '丁', nationalId: null }]);
  });

  it('when storing was off, then no number is left anywhere, and undo still knows which logged rows are unchanged', async () => {
    const { client, drop } = await databaseWithPlaintextCopies(false);
    cleanups.push(drop);

    await client.query(`BEGIN; ${up}; COMMIT;`);

    expect(await tablesContaining(client, hiddenParts)).toEqual([]);
    const { rows } = await client.query(
      `SELECT c.row_key, c.after, (SELECT md5(s::text) FROM crm.students s WHERE s.id = 900001) AS h1, (SELECT md5(s::text) FROM crm.students s WHERE s.id = 900003) AS h3,
              (SELECT to_jsonb(s) FROM crm.students s WHERE s.id = 900001) AS row1
       FROM crm.roster_import_changes c WHERE c.import_id = 900001 ORDER BY c.id`);
    expect(rows[0].after).toEqual({ h: [rows[0].h1, 'stale'] });
    expect(rows[1].after).toEqual(rows[1].row1);
    expect(rows[2].after).toEqual({ h: rows[2].h3 });
  });
});
