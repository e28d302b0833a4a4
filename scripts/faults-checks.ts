// What `npm run faults` counts after each fault, from the database and the fakes' own call logs, in the terms of
// Jepsen's queue checker (https://github.com/jepsen-io/jepsen, rabbitmq/jepsen): an expected effect missing is
// lost; an effect applied twice (a row counted twice, a paid or rate-limited call made twice) is duplicated.
import type pg from 'pg';
import type { StartedCozeFake } from '@doitcrm/fakes';
import type { WecomFake } from '@doitcrm/fakes';
import type { FeishuWork } from './faults-feishu.ts';

export interface RoundWork {
  jobIds: string[];
  msgids: string[];
  summaryJobIds: string[];
  /** ids waiting for a name when the nickname fetch was submitted */
  pendingNames: string[];
  /** the round's feishu-sync run, when it has one */
  feishu?: FeishuWork;
}

export interface Tally {
  lost: number;
  duplicated: number;
  notes: string[];
}

export interface CallMarks {
  coze: number;
  wecom: number;
}

export function markCalls(coze: StartedCozeFake, wecom: WecomFake): CallMarks {
  return { coze: coze.fake.requests.length, wecom: wecom.calls.all().length };
}

const WECOM_NAME_ENDPOINTS = new Set(['externalcontact/get', 'user/get', 'externalcontact/groupchat/get']);

function add(tally: Tally, kind: 'lost' | 'duplicated', count: number, note: string): void {
  if (count <= 0) return;
  tally[kind] += count;
  tally.notes.push(`${kind} ${count}: ${note}`);
}

export async function countEffects(pool: pg.Pool, work: RoundWork, calls: { since: CallMarks; coze: StartedCozeFake; wecom: WecomFake }): Promise<Tally> {
  const tally: Tally = { lost: 0, duplicated: 0, notes: [] };

  const { rows: jobs } = await pool.query<{ type: string; status: string; n: number }>(
    `SELECT type, status, count(*)::int AS n FROM ops.jobs WHERE id = ANY($1::uuid[]) AND status <> 'succeeded' GROUP BY 1, 2`,
    [[...work.jobIds, ...work.summaryJobIds]]);
  for (const job of jobs) add(tally, 'lost', job.n, `${job.type} jobs ended ${job.status}`);

  const { rows: [missing] } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM unnest($1::text[]) AS m(msgid) WHERE NOT EXISTS (SELECT 1 FROM chat.messages c WHERE c.msgid = m.msgid)', [work.msgids]);
  add(tally, 'lost', missing!.n, 'archive messages not loaded');

  // every import run that loaded rows must reach the mapper and the dashboard once
  const { rows: [runs] } = await pool.query<{ mapper: number; dashboard: number }>(
    `SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM crm.extracted_runs e WHERE e.run_id = r.id))::int AS mapper,
            count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM dashboard.applied_runs a WHERE a.run_id = r.id))::int AS dashboard
     FROM chat.import_runs r WHERE r.inserted > 0 AND r.status <> 'running'`);
  add(tally, 'lost', runs!.mapper, 'import runs the mapper never extracted');
  add(tally, 'lost', runs!.dashboard, 'import runs the dashboard never applied');

  // the mapper's per-id totals against the archive itself: short is lost, over is counted twice
  const { rows: [totals] } = await pool.query<{ lost: number; duplicated: number; ids: number }>(
    `WITH truth AS (
       SELECT from_id AS original_id, coalesce(room_id, '') AS room, count(*)::int AS sent FROM chat.messages
       WHERE msgtype <> 'switch' AND from_id IS NOT NULL AND from_id <> '' GROUP BY 1, 2),
     kept AS (SELECT original_id, coalesce(room_id, '') AS room, sent FROM crm.identity_room_totals)
     SELECT coalesce(sum(greatest(coalesce(t.sent, 0) - coalesce(k.sent, 0), 0)), 0)::int AS lost,
            coalesce(sum(greatest(coalesce(k.sent, 0) - coalesce(t.sent, 0), 0)), 0)::int AS duplicated,
            count(*) FILTER (WHERE k.original_id IS NULL AND NOT EXISTS (
              SELECT 1 FROM crm.identities i WHERE i.id_type = 'user_id' AND i.original_id = t.original_id))::int AS ids
     FROM truth t FULL JOIN kept k ON k.original_id = t.original_id AND k.room = t.room`);
  add(tally, 'lost', totals!.lost, 'sent messages missing from the mapper\'s per-id totals');
  add(tally, 'duplicated', totals!.duplicated, 'sent messages counted twice in the mapper\'s per-id totals');
  add(tally, 'lost', totals!.ids, 'senders the mapper never listed');

  const { rows: [summaries] } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM insight.summaries WHERE job_id = ANY($1::uuid[]) AND status = 'succeeded'`, [work.summaryJobIds]);
  const chats = calls.coze.fake.requests.slice(calls.since.coze).filter((request) => request.endpoint === 'chat' && request.status === 200).length;
  add(tally, 'duplicated', chats - summaries!.n, 'Coze chats paid for beyond one per summary');

  const named = new Map<string, number>();
  for (const call of calls.wecom.calls.all().slice(calls.since.wecom)) {
    if (!WECOM_NAME_ENDPOINTS.has(call.endpoint) || call.errcode !== 0) continue;
    for (const id of call.ids) named.set(id, (named.get(id) ?? 0) + 1);
  }
  add(tally, 'duplicated', [...named.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0), 'names fetched from WeCom more than once');
  if (work.pendingNames.length > 0) {
    const { rows: [pending] } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM crm.identities WHERE id_type = 'user_id' AND original_id = ANY($1::text[]) AND name_status = 'pending'`,
      [work.pendingNames]);
    add(tally, 'lost', pending!.n, 'ids still waiting for a name after the fetch job');
  }
  return tally;
}

/**
 * The dashboard's rollups against a full rebuild from the archive: a class-day short of the rebuild lost
 * messages, one over it counted them twice. The rebuild is the dashboard's own (`refreshRollups`), run at rest.
 */
export async function compareDashboard(pool: pg.Pool, rebuild: () => Promise<void>): Promise<Tally> {
  const tally: Tally = { lost: 0, duplicated: 0, notes: [] };
  await pool.query('DROP TABLE IF EXISTS public.faults_class_day');
  await pool.query('CREATE TABLE public.faults_class_day AS SELECT class_id, day, messages FROM dashboard.class_day');
  await rebuild();
  const { rows: [diff] } = await pool.query<{ lost: number; duplicated: number }>(
    `SELECT coalesce(sum(greatest(coalesce(r.messages, 0) - coalesce(b.messages, 0), 0)), 0)::int AS lost,
            coalesce(sum(greatest(coalesce(b.messages, 0) - coalesce(r.messages, 0), 0)), 0)::int AS duplicated
     FROM public.faults_class_day b FULL JOIN dashboard.class_day r ON r.class_id = b.class_id AND r.day = b.day`);
  await pool.query('DROP TABLE public.faults_class_day');
  add(tally, 'lost', diff!.lost, 'class-day messages missing from the dashboard rollups');
  add(tally, 'duplicated', diff!.duplicated, 'class-day messages counted twice in the dashboard rollups');
  return tally;
}

/** Whether the round's work is done: jobs finished, outbox drained, every loaded run seen by the mapper and the dashboard. */
export async function atRest(pool: pg.Pool, jobIds: string[]): Promise<string | null> {
  const { rows: [state] } = await pool.query<{ jobs: number; outbox: number; mapper: number; dashboard: number }>(
    `SELECT (SELECT count(*) FROM ops.jobs WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'running'))::int AS jobs,
            (SELECT count(*) FROM ops.outbox WHERE published_at IS NULL)::int AS outbox,
            (SELECT count(*) FROM chat.import_runs r WHERE r.inserted > 0 AND r.status <> 'running'
               AND NOT EXISTS (SELECT 1 FROM crm.extracted_runs e WHERE e.run_id = r.id))::int AS mapper,
            (SELECT count(*) FROM chat.import_runs r WHERE r.inserted > 0 AND r.status <> 'running'
               AND NOT EXISTS (SELECT 1 FROM dashboard.applied_runs a WHERE a.run_id = r.id))::int AS dashboard`, [jobIds]);
  const waiting = Object.entries(state!).filter(([, n]) => n > 0).map(([what, n]) => `${what} ${n}`);
  return waiting.length ? waiting.join(', ') : null;
}
