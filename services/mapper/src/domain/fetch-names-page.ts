import { backoffDelayMs, classifyWecomFailure, unresolvableReason, type WecomClient } from '@doitcrm/wecom';
import type { NameCandidate } from '../data-access/name-repository.ts';

export type NameOutcome =
  | { status: 'resolved'; name: string }
  | { status: 'unresolvable'; reason: string }
  /** still transient after the job's own retries: the id stays pending for a later job */
  | { status: 'failed'; message: string };

/** Retries of one id on top of the client's own (which already backs off on −1 and network errors). */
export interface IdRetryPolicy {
  /** retries after the first attempt */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface PageDeps {
  client: Pick<WecomClient, 'resolveName'>;
  concurrency: number;
  retry: IdRetryPolicy;
  sleep: (ms: number) => Promise<void>;
  logger?: { warn(obj: object, msg: string): void };
}

/** Thrown when WeCom's answer means every id would fail the same way; `message` is the operator's hint. */
export class FetchNamesStoppedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchNamesStoppedError';
  }
}

export interface PageRun {
  /** by position in the page; undefined where the id was not (or not completely) handled */
  outcomes: Array<NameOutcome | undefined>;
  /** set when the page ended early: a configuration stop, or anything unexpected (also from `onOutcome`) */
  error?: unknown;
}

/**
 * Resolves one page of ids, a few at a time (the client limits the rate itself; this only bounds what is in
 * flight). The first configuration error or unexpected error halts the page: ids not started stay unhandled,
 * and the caller decides what of the page to keep.
 */
export async function resolvePage(
  candidates: readonly NameCandidate[],
  deps: PageDeps,
  onOutcome: (index: number, outcome: NameOutcome) => Promise<void>,
): Promise<PageRun> {
  const outcomes: Array<NameOutcome | undefined> = new Array(candidates.length).fill(undefined);
  let next = 0;
  let error: unknown;
  const halted = () => error !== undefined;

  const worker = async () => {
    while (!halted() && next < candidates.length) {
      const index = next++;
      try {
        const outcome = await resolveWithRetries(candidates[index]!, deps, halted);
        if (!outcome) return;
        outcomes[index] = outcome;
        await onOutcome(index, outcome);
      } catch (caught) {
        error ??= caught;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.concurrency, candidates.length)) }, worker));
  return error === undefined ? { outcomes } : { outcomes, error };
}

/** One id, with back-off between transient failures; undefined when the page halted while this one waited. */
async function resolveWithRetries(candidate: NameCandidate, deps: PageDeps, halted: () => boolean): Promise<NameOutcome | undefined> {
  for (let retry = 0; ; retry++) {
    try {
      const answer = await deps.client.resolveName(candidate.originalId, candidate.idKind);
      return answer.status === 'resolved'
        ? { status: 'resolved', name: answer.name }
        : { status: 'unresolvable', reason: unresolvableReason(answer.reason, answer.errcode) };
    } catch (error) {
      const failure = classifyWecomFailure(error);
      switch (failure.kind) {
        case 'configuration':
          throw new FetchNamesStoppedError(failure.message);
        case 'id':
          return { status: 'unresolvable', reason: failure.reason };
        case 'unexpected':
          throw error;
        case 'transient':
          if (retry >= deps.retry.retries) {
            deps.logger?.warn({ originalId: candidate.originalId, err: error }, 'WeCom name lookup still failing; the id stays pending');
            return { status: 'failed', message: failure.message };
          }
      }
    }
    await deps.sleep(backoffDelayMs(retry, deps.retry.baseDelayMs, deps.retry.maxDelayMs));
    if (halted()) return undefined;
  }
}
