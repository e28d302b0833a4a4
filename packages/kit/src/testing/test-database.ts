import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '@doitcrm/db';

const TEMPLATE_NAME = 'doitcrm_test_template';

function serverUrl(database: string): string {
  const url = new URL(process.env.TEST_DATABASE_SERVER_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Migrates the template once per test run (vitest globalSetup calls this). */
export async function prepareTemplateDatabase(): Promise<void> {
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_NAME} WITH (FORCE)`));
  await migrate({ databaseUrl: serverUrl(TEMPLATE_NAME) });
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, fully migrated database of its own for one test file: `CREATE DATABASE … TEMPLATE`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `doitcrm_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_NAME}`));
  return {
    name,
    url: serverUrl(name),
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Drops databases left behind by earlier, aborted runs. */
export async function dropStaleTestDatabases(): Promise<void> {
  await withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'doitcrm\\_test\\_%' AND datname <> $1",
      [TEMPLATE_NAME],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  });
}
