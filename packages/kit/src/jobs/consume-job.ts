import { z } from 'zod';
import type { Envelope } from '@doitcrm/types';
import type { Broker } from '../broker.ts';
import { isConnectionLoss, type Pool } from '../db.ts';
import { ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { withAdvisoryLock } from '../locks.ts';
import type { ServiceMetrics } from '../metrics.ts';
import type { JobReporter } from './job-progress.ts';
import { findJob, type JobSnapshot } from './job-repository.ts';

/**
 * A failure that is the job's input, not the moment: the same job would fail the same way again, so it is failed
 * at once with this message (which the page shows) instead of being retried.
 */
export class JobInputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JobInputError';
  }
}

export interface JobConsumerContext {
  pool: Pool;
  broker: Pick<Broker, 'consume'>;
  logger: Logger;
  metrics: ServiceMetrics;
  jobReporter(jobId: string): JobReporter;
}

/** What a handler hands back for the job to succeed with; a handler that reported the outcome itself returns nothing. */
export interface JobDone {
  result: unknown;
  message?: string | null;
}

export interface JobRun {
  /** the job's row as this run started it (`attempts` counts this run) */
  job: JobSnapshot;
  reporter: JobReporter;
  envelope: Envelope<unknown>;
}

export interface JobConsumerSpec<T extends { jobId: string }> {
  /** the job queue, which is also the job's type */
  queue: string;
  schema: z.ZodType<T>;
  prefetch?: number;
  /**
   * Runs of one job, counted on its row: a retryable failure of the last one fails the job with its message. Each
   * delivery counts, redeliveries after a crash too.
   */
  maxAttempts: number;
  /**
   * Fail the job without running it when this many earlier runs each stopped without an outcome (the process died
   * each time, killed or out of memory): the next run would most likely die the same way. Off when absent.
   */
  maxCrashes?: number;
  /** errors that are the input's fault besides JobInputError and ValidationError: failed at once */
  isFinal?: (error: unknown) => boolean;
  /** cleans up before the job is seen failed (a file to delete, a feature's row to mark failed) */
  onFailed?: (payload: T, reason: string) => Promise<void>;
  handler: (payload: T, run: JobRun) => Promise<JobDone | void>;
}

const jobIdField = z.object({ jobId: z.string().uuid() });

/**
 * Consumes a job queue the one way: the payload checked against its schema (a bad one fails its job naming the
 * fields and is dead-lettered, never retried), one run per job across processes (an advisory lock on the job), the
 * run counted and reported on the job's row, a finished job left alone when delivered again, final failures told
 * from retryable ones, and PostgreSQL going away passed to the broker, which keeps the message and runs it again.
 * Every run is counted in the service's metrics by type and outcome, with its duration.
 */
export async function consumeJob<T extends { jobId: string }>(context: JobConsumerContext, spec: JobConsumerSpec<T>): Promise<void> {
  await context.broker.consume<unknown>({
    queue: spec.queue,
    prefetch: spec.prefetch,
    // attempts are counted on the job row; the broker's own count only catches what never reaches it
    maxAttempts: spec.maxAttempts + 2,
    // the payload is checked below, where a bad one can still fail its job
    schema: z.unknown(),
    handle: async (raw, envelope) => {
      const payload = await checkPayload(context, spec, raw);
      await withAdvisoryLock(context.pool, `${spec.queue}:${payload.jobId}`, () => runJob(context, spec, payload, envelope));
    },
  });
}

async function checkPayload<T extends { jobId: string }>(context: JobConsumerContext, spec: JobConsumerSpec<T>, raw: unknown): Promise<T> {
  const parsed = spec.schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(payload)', message: issue.message }));
  const reason = `任务消息有误，无法执行 (bad ${spec.queue} payload: ${details.map((detail) => `${detail.field}: ${detail.message}`).join('; ')})`;
  const id = jobIdField.safeParse(raw);
  if (id.success) {
    const failed = await context.jobReporter(id.data.jobId).fail(reason);
    if (failed) countFinal(context, spec.queue, 'failed');
  }
  countRun(context, spec.queue, 'failed', 0);
  // a ValidationError is dead-lettered by the broker, never handed back
  throw new ValidationError(reason, details);
}

async function runJob<T extends { jobId: string }>(context: JobConsumerContext, spec: JobConsumerSpec<T>, payload: T, envelope: Envelope<unknown>): Promise<void> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const reporter = context.jobReporter(payload.jobId);
  const job = await reporter.start();
  if (!job) {
    // finished (or cancelled) before this delivery: at-least-once delivery made visible, and absorbed
    countRun(context, spec.queue, 'skipped', seconds());
    return;
  }
  const fail = async (reason: string) => {
    await spec.onFailed?.(payload, reason).catch((error: unknown) =>
      context.logger.warn({ err: error, jobId: job.id, queue: spec.queue }, 'clean-up of a failed job did not finish'));
    const failed = await reporter.fail(reason);
    if (failed) countFinal(context, spec.queue, 'failed');
    countRun(context, spec.queue, 'failed', seconds());
  };
  const previousRuns = job.attempts - 1;
  if (spec.maxCrashes !== undefined && previousRuns >= spec.maxCrashes) {
    return fail(`已尝试 ${previousRuns} 次，每次都在中途停止，不再重试 (gave up: ${previousRuns} attempts each stopped midway)`);
  }

  try {
    const done = await spec.handler(payload, { job, reporter, envelope });
    const finished = done ? await reporter.succeed(done.result, done.message ?? null) : await findJob(context.pool, job.id);
    const outcome = finished?.status ?? 'skipped';
    if (outcome === 'succeeded' || outcome === 'failed') countFinal(context, spec.queue, outcome);
    countRun(context, spec.queue, outcome === 'running' || outcome === 'queued' ? 'skipped' : outcome, seconds());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const final = error instanceof JobInputError || error instanceof ValidationError || spec.isFinal?.(error) === true;
    // PostgreSQL going away is nobody's input: the broker keeps the message and runs the job again once it is back
    if (isConnectionLoss(error) || (!final && job.attempts < spec.maxAttempts)) {
      context.logger.warn({ err: error, jobId: job.id, queue: spec.queue, attempts: job.attempts }, 'job run failed; it will run again');
      countRun(context, spec.queue, 'retried', seconds());
      throw error;
    }
    context.logger.error({ err: error, jobId: job.id, queue: spec.queue, attempts: job.attempts }, 'job failed');
    await fail(reason);
  }
}

function countRun(context: JobConsumerContext, type: string, outcome: string, seconds: number): void {
  context.metrics.jobAttempts.inc({ type, outcome });
  context.metrics.jobSeconds.observe({ type, outcome }, seconds);
}

function countFinal(context: JobConsumerContext, type: string, status: 'succeeded' | 'failed'): void {
  context.metrics.jobs.inc({ type, status });
}
