import type { Pool } from '../db.ts';
import type { Redis } from '../redis.ts';
import type { Logger } from '../logger.ts';
import { finishJob, markJobRunning, updateJobProgress, type JobSnapshot } from './job-repository.ts';

export function jobChannel(prefix: string, jobId: string): string {
  return `${prefix}jobs:${jobId}`;
}

export interface JobProgressDeps {
  pool: Pool;
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
}

/**
 * The worker's side of a job: progress goes to the database (at most once a second, so a million-line import
 * does not write a million rows) and to Redis pub/sub (a few times a second) for pages watching over SSE.
 */
export class JobReporter {
  private lastDbWrite = 0;
  private lastPublish = 0;
  private pending: { done: number; total: number | null; message: string | null } | undefined;

  constructor(private readonly deps: JobProgressDeps, readonly jobId: string) {}

  async start(): Promise<JobSnapshot | null> {
    const snapshot = await markJobRunning(this.deps.pool, this.jobId);
    if (snapshot) await this.publish(snapshot);
    return snapshot;
  }

  /** Cheap to call often; throttles itself. */
  async progress(done: number, total: number | null, message: string | null = null): Promise<void> {
    this.pending = { done, total, message };
    const now = Date.now();
    if (now - this.lastPublish >= 250) {
      this.lastPublish = now;
      let snapshot: JobSnapshot | null = null;
      if (now - this.lastDbWrite >= 1_000) {
        this.lastDbWrite = now;
        snapshot = await updateJobProgress(this.deps.pool, this.jobId, this.pending);
      }
      await this.publishPartial(snapshot);
    }
  }

  async succeed(result: unknown, message: string | null = null): Promise<JobSnapshot | null> {
    return this.finish({ status: 'succeeded', result, message });
  }

  async fail(error: string): Promise<JobSnapshot | null> {
    return this.finish({ status: 'failed', error });
  }

  private async finish(outcome: Parameters<typeof finishJob>[2]): Promise<JobSnapshot | null> {
    if (this.pending) await updateJobProgress(this.deps.pool, this.jobId, this.pending);
    const snapshot = await finishJob(this.deps.pool, this.jobId, outcome);
    if (snapshot) await this.publish(snapshot);
    return snapshot;
  }

  private async publishPartial(snapshot: JobSnapshot | null): Promise<void> {
    if (snapshot) return this.publish(snapshot);
    // between database writes, pages get the fresh counters merged into the last stored snapshot
    await this.deps.redis
      .publish(jobChannel(this.deps.redisPrefix, this.jobId), JSON.stringify({ partial: true, jobId: this.jobId, ...this.pending }))
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not publish job progress'));
  }

  private async publish(snapshot: JobSnapshot): Promise<void> {
    await this.deps.redis
      .publish(jobChannel(this.deps.redisPrefix, this.jobId), JSON.stringify(snapshot))
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not publish job progress'));
  }
}
