import { inspect } from 'node:util';
import type { Express } from 'express';
import supertest from 'supertest';
import type { Queryable } from '../db.ts';
import { findJob, TERMINAL_JOB_STATUSES, type JobSnapshot } from '../jobs/job-repository.ts';

export interface WaitOptions<T> {
  /** how long to keep polling; 5 s unless given */
  timeoutMs?: number;
  /** the pause between two probes; 20 ms unless given */
  intervalMs?: number;
  /** when the wait is over; a truthy value unless given */
  until?: (value: T) => boolean;
}

/** What a truthy value of T can be. */
export type Truthy<T> = Exclude<T, null | undefined | false | 0 | ''>;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A value short enough for an error message: a failed wait names what it saw last, not a page of JSON. */
function describeValue(value: unknown): string {
  return inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 10, maxStringLength: 200 });
}

/**
 * Probes until the value is truthy (or `until` accepts it) and returns that value. On timeout it throws naming what
 * it waited for and the last value seen, so a red test says how far things got instead of only that they did not.
 * A number as the third argument is the timeout.
 */
export function waitFor<T>(what: string, probe: () => T | Promise<T>, options: WaitOptions<T> & { until: (value: T) => boolean }): Promise<T>;
export function waitFor<T>(what: string, probe: () => T | Promise<T>, options?: number | Omit<WaitOptions<T>, 'until'>): Promise<Truthy<T>>;
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, options: number | WaitOptions<T> = {}): Promise<T> {
  const { timeoutMs = 5_000, intervalMs = 20, until = Boolean } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (until(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value seen: ${describeValue(value)}`);
    await sleep(intervalMs);
  }
}

/**
 * Where a test reads a job: the job API as a page does (an app in the test's process, or a running service's URL,
 * with the session cookie), or the jobs table when the test has no HTTP API in front of the job.
 */
export type JobSource = { app: Express; cookie: string } | { baseUrl: string; cookie: string } | { pool: Queryable };

async function readJob(source: JobSource, jobId: string): Promise<JobSnapshot | null> {
  if ('pool' in source) return findJob(source.pool, jobId);
  if ('app' in source) {
    const response = await supertest(source.app).get(`/api/jobs/${jobId}`).set('Cookie', source.cookie);
    return response.status === 200 ? (response.body as JobSnapshot) : null;
  }
  // a refused connection is a service restarting: not yet, like a 404
  const response = await fetch(`${source.baseUrl}/api/jobs/${jobId}`, { headers: { cookie: source.cookie } }).catch(() => null);
  return response?.status === 200 ? ((await response.json()) as JobSnapshot) : null;
}

export interface WaitForJobOptions extends Omit<WaitOptions<JobSnapshot | null>, 'until'> {
  /** when the wait is over; a terminal status (succeeded, failed, cancelled) unless given */
  until?: (job: JobSnapshot) => boolean;
  /** sees every snapshot read on the way, for tests that check the progress a page would show */
  onSnapshot?: (job: JobSnapshot) => void;
}

/** Polls a job until it reaches a terminal status (or `until` accepts it) and returns that snapshot. */
export async function waitForJob(source: JobSource, jobId: string, options: WaitForJobOptions = {}): Promise<JobSnapshot> {
  const { until = (job: JobSnapshot) => TERMINAL_JOB_STATUSES.has(job.status), onSnapshot, timeoutMs = 60_000, intervalMs = 50 } = options;
  const job = await waitFor<JobSnapshot | null>(`job ${jobId}`, async () => {
    const snapshot = await readJob(source, jobId);
    if (snapshot) onSnapshot?.(snapshot);
    return snapshot;
  }, { timeoutMs, intervalMs, until: (snapshot) => snapshot !== null && until(snapshot) });
  return job!;
}
