import { z } from 'zod';
import type { ApiRoute } from '../http/api-docs.ts';
import { JOB_STATUSES } from './job-repository.ts';

/** `GET /jobs` query, validated by job-routes.ts. */
export const jobListQuery = z.object({ type: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });
/** A job id; job-routes.ts answers 404 to any other, as to a job that does not exist. */
export const jobIdSchema = z.string().uuid();
const jobParams = z.object({ id: jobIdSchema });

export const jobSnapshotSchema = z.object({
  id: z.string(),
  type: z.string(),
  status: z.enum(JOB_STATUSES),
  params: z.record(z.string(), z.unknown()),
  progressDone: z.number(),
  progressTotal: z.number().nullable(),
  message: z.string().nullable(),
  result: z.unknown(),
  error: z.string().nullable(),
  attempts: z.number(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
}).meta({ id: 'Job' });

/** The routes of `jobRoutes.routerFor(...)`, for a service that mounts it to list in its own routes. */
export const jobApi: readonly ApiRoute[] = [
  {
    method: 'get', path: '/jobs', summary: 'Jobs of this service, newest first (a viewer sees only their own)', query: jobListQuery,
    responses: { 200: { description: 'the jobs', schema: z.object({ items: z.array(jobSnapshotSchema) }) }, 404: { description: 'a type this service does not own' } },
  },
  {
    method: 'get', path: '/jobs/:id', summary: 'One job: status, progress, result or failure reason', params: jobParams,
    responses: { 200: { description: 'the job', schema: jobSnapshotSchema }, 404: { description: 'no such job, or not yours to read' } },
  },
  {
    method: 'get', path: '/jobs/:id/events', summary: 'The job as a server-sent event stream (`job` events), until it ends', params: jobParams,
    responses: { 200: { description: 'one `job` event per change', contentType: 'text/event-stream' }, 404: { description: 'no such job, or not yours to read' } },
  },
];
