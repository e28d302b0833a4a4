import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../errors.ts';
import type { Pool } from '../db.ts';
import type { Redis } from '../redis.ts';
import type { Logger } from '../logger.ts';
import { parseQuery } from '../http/validate.ts';
import { findJob, listJobs, TERMINAL_JOB_STATUSES, type JobSnapshot } from './job-repository.ts';
import { jobChannel } from './job-progress.ts';

export interface JobRoutesDeps {
  pool: Pool;
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
}

const jobIdSchema = z.string().uuid();
const listQuery = z.object({ type: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });

/**
 * Fans Redis job-progress messages out to SSE clients through one subscriber connection per process.
 */
class JobEventHub {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();

  constructor(private readonly deps: JobRoutesDeps) {}

  private ensureSubscriber(): Redis {
    if (!this.subscriber) {
      // a subscribed connection can do nothing else, and key prefixes do not apply to channels
      this.subscriber = this.deps.redis.duplicate({ keyPrefix: '' });
      this.subscriber.on('message', (channel: string, message: string) => {
        for (const listener of this.listeners.get(channel) ?? []) listener(message);
      });
      this.subscriber.on('error', (error: Error) => this.deps.logger.warn({ err: error }, 'job event subscriber problem'));
    }
    return this.subscriber;
  }

  async listen(jobId: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    const channel = jobChannel(this.deps.redisPrefix, jobId);
    const subscriber = this.ensureSubscriber();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await subscriber.subscribe(channel);
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(channel);
        await subscriber.unsubscribe(channel).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }
}

export function createJobRoutes(deps: JobRoutesDeps): { router: Router; close: () => Promise<void> } {
  const router = Router();
  const hub = new JobEventHub(deps);

  router.get('/jobs', async (req, res) => {
    const query = parseQuery(listQuery, req);
    res.json({ items: await listJobs(deps.pool, { type: query.type, limit: query.limit }) });
  });

  router.get('/jobs/:id', async (req, res) => {
    res.json(await loadJob(deps.pool, req.params.id));
  });

  router.get('/jobs/:id/events', async (req: Request, res: Response) => {
    let snapshot = await loadJob(deps.pool, String(req.params.id));
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const send = (job: JobSnapshot) => res.write(`event: job\ndata: ${JSON.stringify(job)}\n\n`);
    send(snapshot);
    if (TERMINAL_JOB_STATUSES.has(snapshot.status)) {
      res.end();
      return;
    }

    let closed = false;
    let heartbeat: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    let stopListening: (() => Promise<void>) | undefined;
    const finish = async () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearInterval(poll);
      await stopListening?.();
      res.end();
    };
    const onUpdate = (job: JobSnapshot) => {
      if (closed) return;
      snapshot = job;
      send(job);
      if (TERMINAL_JOB_STATUSES.has(job.status)) void finish();
    };
    // the page may go away at any moment, also while the subscription below is being set up: listen before awaiting
    res.on('close', () => void finish());
    if (res.destroyed || req.socket.destroyed) void finish();
    const refresh = () => findJob(deps.pool, snapshot.id).then((job) => {
      if (job && job.updatedAt !== snapshot.updatedAt) onUpdate(job);
    }).catch(() => {});
    stopListening = await hub.listen(snapshot.id, (message) => {
      const parsed = JSON.parse(message) as Partial<JobSnapshot> & { partial?: boolean; done?: number; total?: number | null };
      if (parsed.partial) {
        onUpdate({ ...snapshot, status: 'running', progressDone: parsed.done ?? snapshot.progressDone,
          progressTotal: parsed.total ?? snapshot.progressTotal, message: parsed.message ?? snapshot.message });
      } else {
        onUpdate(parsed as JobSnapshot);
      }
    });
    if (closed) {
      await stopListening();
      return;
    }
    // the job may have moved on between the first read and the subscription
    await refresh();
    if (closed) return;
    // proxies close idle streams; a comment line keeps it open
    heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    // pub/sub is fire-and-forget: a slow poll catches anything lost while Redis restarted
    poll = setInterval(() => void refresh(), 5_000);
  });

  return { router, close: () => hub.close() };
}

async function loadJob(pool: Pool, rawId: string | undefined): Promise<JobSnapshot> {
  const id = jobIdSchema.safeParse(rawId);
  if (!id.success) throw new NotFoundError('没有这个任务');
  const job = await findJob(pool, id.data);
  if (!job) throw new NotFoundError('没有这个任务');
  return job;
}
