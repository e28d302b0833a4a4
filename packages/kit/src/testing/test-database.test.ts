import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase, dropDatabase, dropStaleTestDatabases } from './test-database.ts';

const created: string[] = [];

function adminUrl(): string {
  const url = new URL(process.env.TEST_DATABASE_SERVER_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createEmptyDatabase(name: string): Promise<void> {
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  created.push(name);
}

const exists = (name: string) => admin(async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);

afterAll(async () => {
  for (const name of created) await dropDatabase(name);
});

describe('test databases', () => {
  test('when a test database is created, then it is migrated (cloned from this run\'s template) and stamped with its creation time', async () => {
    // Act
    const database = await createTestDatabase();
    created.push(database.name);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ table: string | null }>("SELECT to_regclass('ops.jobs')::text AS table");
    await client.end();

    // Assert
    expect(rows[0]!.table).toBe('ops.jobs');
    const stampSeconds = Number(/^doitcrm_test_(\d+)_[0-9a-f]+$/.exec(database.name)?.[1]);
    expect(Math.abs(Date.now() / 1000 - stampSeconds)).toBeLessThan(60);
  });

  test('when stale test databases are dropped, then only those stamped hours ago go, never a live run\'s or one named otherwise', async () => {
    // Arrange
    const hex = () => randomBytes(4).toString('hex');
    const nowSeconds = Math.floor(Date.now() / 1000);
    const abandoned = `doitcrm_test_${nowSeconds - 7 * 3600}_${hex()}`;
    const live = `doitcrm_test_${nowSeconds}_${hex()}`;
    const otherwiseNamed = `doitcrm_test_other_${hex()}`;
    for (const name of [abandoned, live, otherwiseNamed]) await createEmptyDatabase(name);

    // Act
    await dropStaleTestDatabases();

    // Assert
    expect(await exists(abandoned)).toBe(false);
    expect(await exists(live)).toBe(true);
    expect(await exists(otherwiseNamed)).toBe(true);
  });
});
