export * from './test-database.ts';
export { uniqueSuffix, uniqueName } from './unique.ts';
