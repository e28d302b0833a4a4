import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/index.ts';
import { createTestDatabase } from '@doitcrm/kit/testing';

describe('migrate', () => {
  const databases: Array<{ drop(): Promise<void> }> = [];
  afterAll(async () => Promise.all(databases.map((db) => db.drop())));

  it('when run again on a migrated database, then it applies nothing and keeps the data', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query("INSERT INTO crm.students (name) VALUES ('测试学生')");

    const applied = await migrate({ databaseUrl: db.url });

    const { rows } = await client.query('SELECT count(*)::int AS n FROM crm.students');
    await client.end();
    expect(applied).toEqual([]);
    expect(rows[0].n).toBe(1);
  });

  it('when the database does not exist, then it is created and seeded with 3 段 and 7 阶', async () => {
    const name = `doitcrm_test_${Math.floor(Date.now() / 1000)}_0f0f0f0f`;
    const url = `postgres://postgres@127.0.0.1:5432/${name}`;
    databases.push({ drop: async () => {
      const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    } });

    const applied = await migrate({ databaseUrl: url });

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(
      'SELECT s.name AS section, array_agg(l.name ORDER BY l.sort_order) AS levels FROM crm.levels l JOIN crm.sections s ON s.id = l.section_id GROUP BY s.name, s.sort_order ORDER BY s.sort_order',
    );
    await client.end();
    expect(applied.length).toBeGreaterThanOrEqual(3);
    expect(rows).toEqual([
      { section: '一段', levels: ['L1', 'L2', 'L3'] },
      { section: '二段', levels: ['L4', 'L5'] },
      { section: '三段', levels: ['L6', 'L7'] },
    ]);
  });
});
