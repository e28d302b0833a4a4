import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '@doitcrm/db';

/** Test runs may overlap (several terminals, CI): every run has its own template, and only stale ones are dropped. */
const STALE_AFTER_SECONDS = 3 * 3600;
const TEMPLATE_ENV = 'DOITCRM_TEST_TEMPLATE';

/** The URL of `database` on the tests' PostgreSQL server (for tests that must create roles or databases themselves). */
export function serverUrl(database: string): string {
  const url = new URL(process.env.TEST_DATABASE_SERVER_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs work on a connection to the server's `postgres` database, as the superuser the tests use (creating and dropping databases, roles). */
export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** `<prefix>_<epoch seconds>_<random>`: the creation time in the name lets later runs tell stale leftovers. */
function timestampedName(prefix: string): string {
  return `${prefix}_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
}

/** Migrates this run's template (vitest globalSetup calls this) and tells the workers its name. */
export async function prepareTemplateDatabase(): Promise<string> {
  const name = timestampedName('doitcrm_tpl');
  await migrate({ databaseUrl: serverUrl(name) });
  process.env[TEMPLATE_ENV] = name;
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`));
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, fully migrated database of its own for one test file: `CREATE DATABASE … TEMPLATE`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error(`${TEMPLATE_ENV} is not set: run the tests through vitest (its globalSetup migrates the template)`);
  const name = timestampedName('doitcrm_test');
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return { name, url: serverUrl(name), drop: () => dropDatabase(name) };
}

/** Drops test databases and templates left behind by runs that died hours ago; never a live run's. */
export async function dropStaleTestDatabases(): Promise<void> {
  await withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname ~ '^doitcrm_(test|tpl)_[0-9]+_[0-9a-f]+$'",
    );
    const cutoff = Date.now() / 1000 - STALE_AFTER_SECONDS;
    for (const { datname } of rows) {
      const created = Number(datname.split('_')[2]);
      if (created < cutoff) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  });
}
