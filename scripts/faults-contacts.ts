// contacts-sync's share of `npm run faults`. Two kinds of work:
// - a full sync the fault kills midway (kill -9 of the service): the job's redelivery resumes the run from its
//   checkpoint; at rest the copy must equal the fake's truth (no relation missing or left over) and no row may have
//   been added twice across the killed and the resumed part of the pass;
// - a burst of WeCom callbacks the fault strikes through: customers deleting members in the fake (which changes its
//   directory and sends the event signed and encrypted, retrying 3× on a non-200 or a timeout, as WeCom does). At rest
//   every deletion must be applied (lost: a relation still active, a delivery WeCom gave up on) and none twice (two
//   churn alerts for one relation, one event applied from two inbox rows).
import type pg from 'pg';
import type { CallbackDelivery, WecomFake } from '@doitcrm/fakes';
import type { Tally } from './faults-checks.ts';
import type { Api } from './faults-workload.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fake's truth: every (customer, member) pair it serves. */
export function truthPairs(fake: WecomFake): Set<string> {
  const pairs = new Set<string>();
  for (const [id, contact] of fake.state.directory.externalContacts) for (const f of contact.follow_user) pairs.add(`${id}|${f.userid}`);
  return pairs;
}

/** What a comparison of the copy with the truth counts: pairs missing from the copy, and pairs it keeps that WeCom no longer has. */
export function compareRelations(truth: ReadonlySet<string>, copy: ReadonlySet<string>): { missing: string[]; extra: string[] } {
  return { missing: [...truth].filter((k) => !copy.has(k)), extra: [...copy].filter((k) => !truth.has(k)) };
}

export async function activePairs(pool: pg.Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ k: string }>("SELECT external_userid || '|' || userid AS k FROM contacts.follow_relations WHERE status = 'active'");
  return new Set(rows.map((row) => row.k));
}

/** Starts a full sync through the API (retrying while the service is away) and returns its job id. */
export function submitFullSync(api: Api): Promise<string> {
  return api.submit('contacts-sync', '/api/v1/wecom/sync/contacts?mode=full', () => '{}', 'application/json');
}

/** Makes sure a complete pass is in the copy: a burst deletes synced relations, and a deletion of an unknown one proves nothing. */
export async function ensureSynced(pool: pg.Pool, api: Api, say: (line: string) => void): Promise<void> {
  const { rows: [done] } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM contacts.sync_runs WHERE state = 'succeeded' AND pass_complete");
  if (done!.n > 0) return;
  const jobId = await submitFullSync(api);
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const { rows: [job] } = await pool.query<{ status: string }>('SELECT status FROM ops.jobs WHERE id = $1', [jobId]);
    if (job?.status === 'succeeded') return say('contacts-sync: first full pass done (the callback bursts delete synced relations)');
    if (job?.status === 'failed') throw new Error('the first contacts full sync failed');
    await sleep(250);
  }
  throw new Error('the first contacts full sync did not finish within 180 s');
}

/** The pass's run state at a moment: which stage, how many staff batches of how many are written. */
export async function syncPosition(pool: pg.Pool): Promise<{ runId: number; stage: string; batchesDone: number; batches: number } | null> {
  const { rows: [run] } = await pool.query<{ id: string; checkpoint: { stage: string; batchesDone?: number; members?: string[]; batchSize?: number } | null }>(
    "SELECT id, checkpoint FROM contacts.sync_runs WHERE state = 'running' ORDER BY id DESC LIMIT 1");
  if (!run?.checkpoint) return null;
  const { stage, batchesDone = 0, members = [], batchSize = 1 } = run.checkpoint;
  return { runId: Number(run.id), stage, batchesDone, batches: Math.ceil(members.length / batchSize) };
}

export interface CallbackBurst {
  /** stops sending and waits for every delivery's attempts (WeCom's retries included) to end */
  stop(): Promise<BurstResult>;
}

export interface BurstResult {
  pairs: Array<{ externalUserId: string; userId: string }>;
  deliveries: CallbackDelivery[];
}

/**
 * Customers deleting members at `perSecond`, each through the fake's staff action (directory changed, event sent
 * with WeCom's retries), until stopped; pairs are taken from the truth in a fixed order and never twice.
 */
export function startCallbackBurst(fake: WecomFake, perSecond: number): CallbackBurst {
  const pending = [...truthPairs(fake)].sort().map((k) => { const [externalUserId, userId] = k.split('|'); return { externalUserId: externalUserId!, userId: userId! }; });
  const result: BurstResult = { pairs: [], deliveries: [] };
  const sending: Array<Promise<void>> = [];
  let stopped = false;
  const loop = (async () => {
    const started = performance.now();
    for (let i = 0; !stopped && pending.length > 0; i++) {
      const due = started + (i * 1000) / perSecond;
      if (due > performance.now()) await sleep(due - performance.now());
      // the middle of the list, so the deletions spread over members rather than emptying one
      const pair = pending.splice(Math.floor(pending.length / 2), 1)[0]!;
      result.pairs.push(pair);
      sending.push(fake.staff.customerDeletesMember(pair.externalUserId, pair.userId).then((action) => {
        if (action.callback) result.deliveries.push(action.callback);
      }));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(sending);
      return result;
    },
  };
}

/** null when every stored callback is applied; else how many wait. */
export async function contactsAtRest(pool: pg.Pool): Promise<string | null> {
  const { rows: [row] } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts.callback_inbox WHERE applied_at IS NULL');
  return row!.n > 0 ? `contacts callbacks unapplied ${row!.n}` : null;
}

function add(tally: Tally, kind: 'lost' | 'duplicated', count: number, note: string): void {
  if (count <= 0) return;
  tally[kind] += count;
  tally.notes.push(`${kind} ${count}: ${note}`);
}

/** The burst against the copy at rest (see the file's head). */
export async function countBurst(pool: pg.Pool, burst: BurstResult): Promise<Tally> {
  const tally: Tally = { lost: 0, duplicated: 0, notes: [] };
  const givenUp = burst.deliveries.filter((d) => !d.delivered).length;
  const retried = burst.deliveries.filter((d) => d.attempts.length > 1).length;
  add(tally, 'lost', givenUp, 'callbacks WeCom gave up on after 3 attempts');
  const { rows: [state] } = await pool.query<{ active: number; alerts_twice: number; applied_twice: number }>(
    `WITH sent AS (SELECT * FROM unnest($1::text[], $2::text[]) AS s(ext, uid)),
          inbox AS (SELECT substring(raw_plaintext FROM 'ExternalUserID><!\\[CDATA\\[([^]]+)\\]') AS ext,
                           substring(raw_plaintext FROM '<UserID><!\\[CDATA\\[([^]]+)\\]') AS uid
                    FROM contacts.callback_inbox WHERE outcome = 'applied' AND error IS NULL AND change_type = 'del_follow_user')
     SELECT (SELECT count(*) FROM sent JOIN contacts.follow_relations r ON r.external_userid = sent.ext AND r.userid = sent.uid AND r.status = 'active')::int AS active,
            (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM contacts.churn_alerts a JOIN contacts.follow_relations r ON r.id = a.relation_id
               JOIN sent ON sent.ext = r.external_userid AND sent.uid = r.userid GROUP BY a.relation_id) c)::int AS alerts_twice,
            (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM inbox JOIN sent USING (ext, uid) GROUP BY ext, uid) i)::int AS applied_twice`,
    [burst.pairs.map((p) => p.externalUserId), burst.pairs.map((p) => p.userId)]);
  add(tally, 'lost', state!.active, 'customer deletions sent as callbacks whose relation is still active');
  add(tally, 'duplicated', state!.alerts_twice, 'churn alerts raised twice for one deleted relation');
  add(tally, 'duplicated', state!.applied_twice, 'deletions applied from two inbox rows');
  tally.notes.push(`contacts callbacks: ${burst.pairs.length} deletions sent, ${retried} needed WeCom's retry, ${givenUp} given up`);
  return tally;
}

/**
 * batch/get_by_user calls one uninterrupted pass makes over `truth` with `batchSize` members a batch (members in the
 * pass's sorted order): a resumed pass makes about this many, one restarted from scratch up to twice as many.
 */
export function batchCallsOfOnePass(truth: ReadonlySet<string>, batchSize: number): number {
  const perMember = new Map<string, number>();
  for (const key of truth) {
    const member = key.slice(key.indexOf('|') + 1);
    perMember.set(member, (perMember.get(member) ?? 0) + 1);
  }
  const members = [...perMember.keys()].sort();
  let calls = 0;
  for (let i = 0; i < members.length; i += batchSize) {
    const pairs = members.slice(i, i + batchSize).reduce((sum, m) => sum + perMember.get(m)!, 0);
    calls += Math.max(1, Math.ceil(pairs / 100));
  }
  return calls;
}

/** The killed-and-resumed pass against the truth (see the file's head); `batchCalls` made in the round, `batchSize` the pass's. */
export async function countResumedSync(pool: pg.Pool, fake: WecomFake, passRunIds: number[], batch: { calls: number; size: number }): Promise<Tally> {
  const tally: Tally = { lost: 0, duplicated: 0, notes: [] };
  const { missing, extra } = compareRelations(truthPairs(fake), await activePairs(pool));
  add(tally, 'lost', missing.length, `relations WeCom has and the copy does not (${missing.slice(0, 3).join(', ')})`);
  add(tally, 'lost', extra.length, `relations the copy keeps active that WeCom no longer has (${extra.slice(0, 3).join(', ')})`);
  const { rows: [dup] } = await pool.query<{ added_twice: number; runs: string }>(
    `SELECT (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM contacts.changes WHERE run_id = ANY($1::bigint[]) AND change = 'added'
               GROUP BY entity, entity_key) c)::int AS added_twice,
            (SELECT string_agg(id || ' ' || state || coalesce(' resumed from ' || resumed_from, ''), ', ' ORDER BY id) FROM contacts.sync_runs WHERE id = ANY($1::bigint[])) AS runs`,
    [passRunIds]);
  add(tally, 'duplicated', dup!.added_twice, 'rows recorded as added twice within the pass');
  tally.notes.push(`contacts sync runs of the pass: ${dup!.runs ?? 'none'}; batch/get_by_user calls ${batch.calls} `
    + `(one uninterrupted pass: ${batchCallsOfOnePass(truthPairs(fake), batch.size)}; from scratch again would be up to twice that)`);
  return tally;
}
