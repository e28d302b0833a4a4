export * from './job-repository.ts';
export * from './job-progress.ts';
export * from './job-event-stream.ts';
export * from './job-routes.ts';
export * from './submit-job.ts';
export * from './consume-job.ts';
export * from './job-api.ts';
