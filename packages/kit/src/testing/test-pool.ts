import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface UsedTestDatabase {
  database: TestDatabase;
  pool: pg.Pool;
}

/**
 * A database of this test file's own (see createTestDatabase) and a pool on it: created before its tests, ended and
 * dropped after. Filled in place, so `const db = useTestDatabase()` works at the top of the file.
 */
export function useTestDatabase(options: { max?: number } = {}): UsedTestDatabase {
  const t = {} as UsedTestDatabase;
  beforeAll(async () => {
    t.database = await createTestDatabase();
    t.pool = new pg.Pool({ connectionString: t.database.url, max: options.max ?? 2 });
  });
  afterAll(async () => {
    await t.pool?.end();
    await t.database?.drop();
  });
  return t;
}
