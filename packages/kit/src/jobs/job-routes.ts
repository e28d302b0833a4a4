import { Router, type Request, type Response } from 'express';
import type { AuthUser } from '../auth/types.ts';
import { roleSatisfies } from '../auth/roles.ts';
import { NotFoundError } from '../errors.ts';
import type { Pool } from '../db.ts';
import { parseQuery } from '../http/validate.ts';
import { jobIdSchema, jobListQuery } from './job-api.ts';
import { JobEventHub, type JobEventDeps, type JobStreamOptions } from './job-event-stream.ts';
import { findJob, listJobs, type JobSnapshot } from './job-repository.ts';

export type JobRoutesDeps = JobEventDeps;

export interface JobRoutes {
  /**
   * `GET /jobs`, `/jobs/:id` and `/jobs/:id/events` for the job types this service owns. A job of another type, or
   * one a viewer did not create, answers 404 exactly as a job that does not exist: the answer confirms nothing.
   */
  routerFor(ownedTypes: readonly string[]): Router;
  /** The SSE stream of a job, for a feature route that has checked access itself and renders its own view of it. */
  stream(req: Request, res: Response, job: JobSnapshot, options: JobStreamOptions): Promise<void>;
  close(): Promise<void>;
}

const NO_SUCH_JOB = '没有这个任务';

/** Staff and admin see every job of the service; a viewer only the jobs they started. */
export function mayReadJob(user: AuthUser | undefined, job: Pick<JobSnapshot, 'createdBy'>): boolean {
  if (!user) return false;
  return roleSatisfies(user.role, ['staff']) || (job.createdBy !== null && job.createdBy === user.id);
}

export function createJobRoutes(deps: JobRoutesDeps): JobRoutes {
  const hub = new JobEventHub(deps);
  const asJob = { event: 'job', render: (job: JobSnapshot) => job };

  return {
    routerFor(ownedTypes) {
      if (ownedTypes.length === 0) throw new Error('routerFor needs the job types the service owns');
      const owned = new Set(ownedTypes);
      const router = Router();

      router.get('/jobs', async (req, res) => {
        const query = parseQuery(jobListQuery, req);
        if (query.type !== undefined && !owned.has(query.type)) throw new NotFoundError(`没有这类任务 (${query.type})`);
        const user = req.user;
        if (!user) throw new NotFoundError(NO_SUCH_JOB);
        res.json({
          items: await listJobs(deps.pool, {
            types: query.type === undefined ? [...owned] : [query.type],
            createdBy: roleSatisfies(user.role, ['staff']) ? undefined : user.id,
            limit: query.limit,
          }),
        });
      });

      router.get('/jobs/:id', async (req, res) => {
        res.json(await loadReadableJob(deps.pool, owned, req));
      });

      router.get('/jobs/:id/events', async (req: Request, res: Response) => {
        await hub.stream(req, res, await loadReadableJob(deps.pool, owned, req), asJob);
      });

      return router;
    },
    stream: (req, res, job, options) => hub.stream(req, res, job, options),
    close: () => hub.close(),
  };
}

async function loadReadableJob(pool: Pool, owned: ReadonlySet<string>, req: Request): Promise<JobSnapshot> {
  const id = jobIdSchema.safeParse(req.params.id);
  if (!id.success) throw new NotFoundError(NO_SUCH_JOB);
  const job = await findJob(pool, id.data);
  if (!job || !owned.has(job.type) || !mayReadJob(req.user, job)) throw new NotFoundError(NO_SUCH_JOB);
  return job;
}
