export * from './test-database.ts';
export { uniqueSuffix, uniqueName } from './unique.ts';
export * from './service-harness.ts';
export * from './browser.ts';
export { percentile, timeRuns } from './bench-timing.ts';
export * from './test-app.ts';
export * from './test-pool.ts';
export * from './audit-outage.ts';
export * from './service-process.ts';
