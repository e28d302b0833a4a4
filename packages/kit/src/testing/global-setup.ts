import { dropDatabase, dropStaleTestDatabases, prepareTemplateDatabase } from './test-database.ts';

/** Once per vitest run: a migrated template for this run only; dropped again at the end. */
export default async function setup(): Promise<() => Promise<void>> {
  await dropStaleTestDatabases();
  const template = await prepareTemplateDatabase();
  return async () => {
    await dropDatabase(template);
  };
}
