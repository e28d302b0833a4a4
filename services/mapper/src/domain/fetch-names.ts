import { withTransaction, type Pool } from '@doitcrm/kit';
import type { WecomClient } from '@doitcrm/wecom';
import type { FetchNamesResult, IdType, MappingQuery } from '../contract.ts';
import {
  readFetchNamesCheckpoint, saveFetchNamesCheckpoint, type FetchNamesCheckpoint,
} from '../data-access/fetch-names-checkpoint.ts';
import {
  countNameCandidates, nextNameCandidates, saveResolvedNames, saveUnresolvableNames, type NameCandidate, type NameScope,
} from '../data-access/name-repository.ts';
import { FetchNamesStoppedError, resolvePage, type IdRetryPolicy, type NameOutcome } from './fetch-names-page.ts';

export { FetchNamesStoppedError } from './fetch-names-page.ts';

export interface FetchNamesJob {
  jobId: string;
  idType: IdType;
  filter: MappingQuery;
  onlyPending: boolean;
}


/** What the job reports progress to (kit's JobReporter). */
export interface ProgressSink {
  progress(done: number, total: number | null, message: string | null): Promise<void>;
}

export interface FetchNamesDeps {
  pool: Pool;
  client: Pick<WecomClient, 'resolveName'>;
  logger?: { warn(obj: object, msg: string): void };
}

export interface FetchNamesOptions {
  /** identities read and committed together; a crash repeats at most one page */
  pageSize?: number;
  /** lookups in flight at once (the client also caps its own concurrency and rate) */
  concurrency?: number;
  retry?: Partial<IdRetryPolicy>;
  /** ids in a row still failing after their retries before the job stops: WeCom is down, not one id unlucky */
  maxConsecutiveFailures?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The job is not running any more (finished, cancelled): its redelivery or remainder must do nothing. */
export class FetchNamesJobNotRunningError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} is not running`);
    this.name = 'FetchNamesJobNotRunningError';
  }
}

const MAX_SAMPLES = 20;
const DEFAULT_RETRY: IdRetryPolicy = { retries: 3, baseDelayMs: 2_000, maxDelayMs: 30_000 };
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Fetches WeCom names for every identity the filter matches, in id order, a page at a time. Each page's names
 * and the checkpoint are committed together, so a redelivered job resumes after the last committed page with
 * its counts intact. Ids WeCom will never name are marked unresolvable with the reason (pending-only jobs skip
 * them: the original tool asked for them again on every click and stalled); transient failures are retried,
 * then left pending; a configuration error, or a run of ids all failing (WeCom down), stops the job with what to
 * do (`FetchNamesStoppedError`), keeping what was fetched.
 */
export async function fetchNames(
  deps: FetchNamesDeps, job: FetchNamesJob, reporter: ProgressSink, options: FetchNamesOptions = {},
): Promise<FetchNamesResult> {
  const scope: NameScope = { idType: job.idType, filter: job.filter, onlyPending: job.onlyPending };
  const pageSize = options.pageSize ?? 100;
  const pageDeps = {
    client: deps.client,
    concurrency: options.concurrency ?? 4,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    sleep: options.sleep ?? realSleep,
    logger: deps.logger,
  };
  const maxConsecutiveFailures = options.maxConsecutiveFailures ?? 10;
  let consecutiveFailures = 0;

  const state = await readFetchNamesCheckpoint(deps.pool, job.jobId);
  if (!state.running) throw new FetchNamesJobNotRunningError(job.jobId);
  let checkpoint: FetchNamesCheckpoint = state.checkpoint
    ?? { afterId: 0, total: await countNameCandidates(deps.pool, scope), resolved: 0, unresolvable: 0, failed: 0, unresolvableSamples: [] };
  await reporter.progress(doneOf(checkpoint), checkpoint.total, progressMessage(checkpoint));

  for (;;) {
    const page = await nextNameCandidates(deps.pool, scope, checkpoint.afterId, pageSize);
    if (page.length === 0) break;
    // counts of this page so far, for live progress only: they count once the page is committed
    let live = checkpoint;
    const run = await resolvePage(page, pageDeps, async (index, outcome) => {
      live = tally(live, outcome);
      // a pending-only walk stores each answer as it comes: a worker killed mid-page then leaves only the lookups in
      // flight to ask WeCom again, not the whole page (the resumed walk no longer sees stored ids as pending)
      if (job.onlyPending && outcome.status !== 'failed') await writeOutcomes(deps.pool, [page[index]!], [outcome]);
      consecutiveFailures = outcome.status === 'failed' ? consecutiveFailures + 1 : 0;
      if (outcome.status === 'failed' && consecutiveFailures >= maxConsecutiveFailures) {
        // an outage would otherwise cost every remaining id its full retries, for nothing
        throw new FetchNamesStoppedError(`企业微信连续 ${consecutiveFailures} 个 id 暂时失败，已停止，请稍后再试（最后一次：${outcome.message}）`);
      }
      await reporter.progress(doneOf(live), Math.max(live.total, doneOf(live)), progressMessage(live));
    });
    if (run.error !== undefined && !(run.error instanceof FetchNamesStoppedError)) {
      // a crash mid-page: nothing of it is kept, and the redelivered job does this page again
      throw run.error;
    }
    checkpoint = applyPage(checkpoint, page, run.outcomes);
    const stillRunning = await withTransaction(deps.pool, async (client) => {
      await writeOutcomes(client, page, run.outcomes);
      return saveFetchNamesCheckpoint(client, job.jobId, checkpoint);
    });
    if (run.error instanceof FetchNamesStoppedError) {
      throw new FetchNamesStoppedError(`${run.error.message}。已处理 ${doneOf(checkpoint)} 个，其余保持待获取，可重新开始`);
    }
    if (!stillRunning) throw new FetchNamesJobNotRunningError(job.jobId);
    await reporter.progress(doneOf(checkpoint), Math.max(checkpoint.total, doneOf(checkpoint)), progressMessage(checkpoint));
  }

  const done = doneOf(checkpoint);
  return {
    total: Math.max(checkpoint.total, done),
    resolved: checkpoint.resolved,
    unresolvable: checkpoint.unresolvable,
    failed: checkpoint.failed,
    skipped: Math.max(0, checkpoint.total - done),
    unresolvableSamples: checkpoint.unresolvableSamples,
  };
}

function doneOf(counts: Pick<FetchNamesCheckpoint, 'resolved' | 'unresolvable' | 'failed'>): number {
  return counts.resolved + counts.unresolvable + counts.failed;
}

function tally(checkpoint: FetchNamesCheckpoint, outcome: NameOutcome): FetchNamesCheckpoint {
  switch (outcome.status) {
    case 'resolved': return { ...checkpoint, resolved: checkpoint.resolved + 1 };
    case 'unresolvable': return { ...checkpoint, unresolvable: checkpoint.unresolvable + 1 };
    case 'failed': return { ...checkpoint, failed: checkpoint.failed + 1 };
  }
}

/**
 * The checkpoint after a page: every handled id counts, in page order (so samples are the first ids by id), and
 * `afterId` moves to the end of the run of handled ids (all of them, unless a configuration error stopped the page).
 */
function applyPage(checkpoint: FetchNamesCheckpoint, page: readonly NameCandidate[], outcomes: ReadonlyArray<NameOutcome | undefined>): FetchNamesCheckpoint {
  let next = { ...checkpoint, unresolvableSamples: [...checkpoint.unresolvableSamples] };
  let contiguous = true;
  page.forEach((candidate, index) => {
    const outcome = outcomes[index];
    if (!outcome) {
      contiguous = false;
      return;
    }
    next = tally(next, outcome);
    if (outcome.status === 'unresolvable' && next.unresolvableSamples.length < MAX_SAMPLES) {
      next.unresolvableSamples.push({ originalId: candidate.originalId, reason: outcome.reason });
    }
    if (contiguous) next.afterId = candidate.id;
  });
  return next;
}

async function writeOutcomes(db: Parameters<typeof saveResolvedNames>[0], page: readonly NameCandidate[], outcomes: ReadonlyArray<NameOutcome | undefined>): Promise<void> {
  const resolved: Array<{ identityId: number; nickname: string }> = [];
  const unresolvable: Array<{ identityId: number; error: string }> = [];
  page.forEach((candidate, index) => {
    const outcome = outcomes[index];
    if (outcome?.status === 'resolved') resolved.push({ identityId: candidate.id, nickname: outcome.name });
    if (outcome?.status === 'unresolvable') unresolvable.push({ identityId: candidate.id, error: outcome.reason });
  });
  await saveResolvedNames(db, resolved);
  await saveUnresolvableNames(db, unresolvable);
}

function progressMessage(counts: FetchNamesCheckpoint): string {
  return `已获取 ${counts.resolved}，无法获取 ${counts.unresolvable}，暂时失败 ${counts.failed}`;
}
