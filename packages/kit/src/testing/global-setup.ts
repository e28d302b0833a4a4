import { dropStaleTestDatabases, prepareTemplateDatabase } from './test-database.ts';

export default async function setup(): Promise<void> {
  await dropStaleTestDatabases();
  await prepareTemplateDatabase();
}
