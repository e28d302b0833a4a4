export * from './job-repository.ts';
export * from './job-progress.ts';
export * from './job-event-stream.ts';
export * from './job-routes.ts';
export * from './job-api.ts';
