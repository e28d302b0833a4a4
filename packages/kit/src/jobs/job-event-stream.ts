import type { Request, Response } from 'express';
import type { Pool } from '../db.ts';
import type { Logger } from '../logger.ts';
import type { Redis } from '../redis.ts';
import { jobChannel } from './job-progress.ts';
import { findJob, TERMINAL_JOB_STATUSES, type JobSnapshot } from './job-repository.ts';

export interface JobEventDeps {
  pool: Pool;
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
}

/** What a stream sends for each change of its job: the job itself, or what a feature shows of it (a summary's text). */
export interface JobStreamOptions {
  /** the SSE event name the page listens for */
  event: string;
  render: (job: JobSnapshot) => unknown;
}

/**
 * Fans Redis job-progress messages out to SSE clients through one subscriber connection per process.
 */
export class JobEventHub {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();

  constructor(private readonly deps: JobEventDeps) {}

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

  /**
   * Streams a job's changes over SSE until it finishes or the page goes away. The caller has already checked that
   * the reader may see `job`; each change goes through `render`, so a feature can send its own audited view of it.
   */
  async stream(req: Request, res: Response, job: JobSnapshot, options: JobStreamOptions): Promise<void> {
    let snapshot = job;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // renders run one after another, so a slow one cannot let an older view overtake a newer one
    let sending = Promise.resolve();
    const send = (current: JobSnapshot) => {
      sending = sending.then(async () => {
        const data = await options.render(current);
        if (!res.writableEnded && !res.destroyed) res.write(`event: ${options.event}\ndata: ${JSON.stringify(data)}\n\n`);
      }).catch((error: unknown) => this.deps.logger.warn({ err: error, jobId: current.id }, 'could not render a job event'));
      return sending;
    };
    if (TERMINAL_JOB_STATUSES.has(snapshot.status)) {
      await send(snapshot);
      res.end();
      return;
    }
    void send(snapshot);

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
      await sending;
      res.end();
    };
    const onUpdate = (next: JobSnapshot) => {
      if (closed) return;
      snapshot = next;
      void send(next);
      if (TERMINAL_JOB_STATUSES.has(next.status)) void finish();
    };
    // the page may go away at any moment, also while the subscription below is being set up: listen before awaiting
    res.on('close', () => void finish());
    if (res.destroyed || req.socket.destroyed) void finish();
    const refresh = () => findJob(this.deps.pool, snapshot.id).then((found) => {
      if (found && found.updatedAt !== snapshot.updatedAt) onUpdate(found);
    }).catch(() => {});
    stopListening = await this.listen(snapshot.id, (message) => {
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
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }
}
