// The dispatcher's share of `npm run faults`: ≥ 10,000 messages a round, sent as a caller would (send-batch through
// the HTTP API, an Idempotency-Key per request, retried with the same key and body until answered 202), and counted
// at rest from dispatch.messages against the channel fakes' delivery ledgers. Every message carries a token of its
// own (`R07-004512`) in its variables, so its content is unique (no dedupe hides it) and each delivery a fake
// records can be traced back to one message whatever the provider keys its ledger by.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Delivery } from '@doitcrm/fakes';
import type { ChannelFakes } from './faults-stack.ts';
import { FAULTS_WEBHOOK_SECRET_REF } from './faults-stack.ts';
import type { Api } from './faults-workload.ts';

type Channel = 'sms' | 'wecom_app' | 'wechat_oa' | 'app_webhook';
export type DispatchTemplates = Record<Channel, number>;

/** How a round sends: plainly, every request 10× at once and once more after, or pressing WeCom's per-member limit. */
export type DispatchMode = 'plain' | 'replays' | 'limits';

export interface DispatchWork {
  tag: string;
  /** trace ids of every message answered 202 */
  traceIds: string[];
  requests: number;
  /** the same request answered with another batch, or with 422: the Idempotency-Key did not hold */
  keyViolations: string[];
  /** replays: how the concurrent duplicates were answered (202 stored or first, 409 still in flight), by status */
  concurrentAnswers: Record<string, number>;
  /** what the fakes had absorbed or dropped before the round */
  marks: { absorbed: number[]; dropped: number };
}

export interface DispatchTally {
  lost: number;
  duplicated: number;
  notes: string[];
}

const PER_CHANNEL = Number(process.env.FAULTS_DISPATCH_PER_CHANNEL ?? 2_500);
const PER_REQUEST = 1_250;
/** WeCom members of the plain rounds: ~2.5 messages each a round, far inside 30/min */
const MEMBERS = 1_000;
/** the limits round: 60 members × 42 messages, 12 of each over WeCom's 30/min and so deferred for a minute */
const HOT_MEMBERS = 60;
const WECOM_MEMBER_PER_MINUTE = 30;
const TOKEN = /R\d{2}-\d{6}/u;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One template per channel the fakes keep a ledger for, made through the templates API (so its variables are parsed). */
export async function createDispatchTemplates(api: Api, channels: ChannelFakes): Promise<DispatchTemplates> {
  const specs: Record<Channel, Record<string, unknown>> = {
    sms: { providerTemplate: 'SMS_FAULTS_01' },
    wecom_app: {},
    wechat_oa: { providerTemplate: 'faults-oa-template-01' },
    app_webhook: { webhookUrl: channels.webhookUrl, webhookSecretRef: FAULTS_WEBHOOK_SECRET_REF },
  };
  const ids = {} as DispatchTemplates;
  for (const [channel, extra] of Object.entries(specs) as Array<[Channel, Record<string, unknown>]>) {
    const response = await api.request('dispatcher', '/api/templates', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `故障演练-${channel}`, channel, body: '演练通知 {{n}}', sampleVariables: { n: 'R00-000000' }, ...extra }),
    });
    const text = await response.text();
    if (response.status !== 201 && response.status !== 200) throw new Error(`creating the ${channel} template: ${response.status} ${text.slice(0, 300)}`);
    ids[channel] = (JSON.parse(text) as { id: number }).id;
  }
  return ids;
}

const fakeLedgers = (channels: ChannelFakes) => [channels.aliyun, channels.tencent, channels.wecomApp, channels.wechatOa, channels.webhook].map((fake) => fake.deliveries);
const FAKE_NAMES = ['Aliyun SMS', 'Tencent SMS', 'WeCom app (duplicate check)', 'WeChat OA (client_msg_id)', 'app webhook (X-Message-Id)'];

function recipientFor(channel: Channel, round: number, seq: number, mode: DispatchMode): string {
  if (channel === 'sms') return `138${String((round * PER_CHANNEL + seq) % 100_000_000).padStart(8, '0')}`;
  if (channel === 'wecom_app') return mode === 'limits' ? `faults-hot-${round}-${seq % HOT_MEMBERS}` : `faults-m${seq % MEMBERS}`;
  if (channel === 'wechat_oa') return `oFaults${String(seq % MEMBERS).padStart(12, '0')}`;
  return `faults-app-${seq % 50}`;
}

interface BatchRequest {
  key: string;
  body: string;
  size: number;
}

/**
 * The round's batch requests: 2,500 messages per channel in requests of 1,250. SMS, WeCom and WeChat OA go at
 * priority 9, which passes quiet hours (21:30–08:00 Beijing time; held messages would not come to rest before
 * morning); the app webhook, never held, spreads over the lower tiers.
 */
function batchRequests(templates: DispatchTemplates, round: number, tag: string, mode: DispatchMode): BatchRequest[] {
  const requests: BatchRequest[] = [];
  let token = 0;
  for (const channel of Object.keys(templates) as Channel[]) {
    for (let from = 0; from < PER_CHANNEL; from += PER_REQUEST) {
      const recipients = [];
      for (let seq = from; seq < Math.min(from + PER_REQUEST, PER_CHANNEL); seq += 1) {
        recipients.push({ recipient: recipientFor(channel, round, seq, mode), variables: { n: `${tag}-${String(token++).padStart(6, '0')}` } });
      }
      const priority = channel === 'app_webhook' ? (from / PER_REQUEST) % 2 === 0 ? 2 : 6 : 9;
      requests.push({ key: randomUUID(), size: recipients.length, body: JSON.stringify({ template_id: templates[channel], recipients, priority }) });
    }
  }
  return requests;
}

interface Answer {
  status: number;
  batchId?: string;
  traceIds?: string[];
  text: string;
}

async function post(api: Api, request: BatchRequest): Promise<Answer> {
  try {
    const response = await api.request('dispatcher', '/api/messages/send-batch', {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': request.key }, body: request.body,
      // a request the fault left hanging is sent again (same key) rather than holding the round past its bounds
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (response.status !== 202) return { status: response.status, text: text.slice(0, 200) };
    const body = JSON.parse(text) as { batchId: string; traceIds: string[] };
    return { status: 202, batchId: body.batchId, traceIds: body.traceIds, text: '' };
  } catch (error) {
    return { status: 0, text: error instanceof Error ? error.message : String(error) };
  }
}

/** Posts until answered 202 — the same key and body each time, which is what the key is for (a restart, a 409). */
async function accepted(api: Api, request: BatchRequest, work: DispatchWork): Promise<Answer> {
  const deadline = Date.now() + 180_000;
  let last = '';
  while (Date.now() < deadline) {
    const answer = await post(api, request);
    if (answer.status === 202) return answer;
    if (answer.status === 422) work.keyViolations.push(`key ${request.key}: 422 for its own body (${answer.text})`);
    last = `${answer.status} ${answer.text}`;
    await sleep(500);
  }
  throw new Error(`send-batch kept failing: ${last}`);
}

/** Sends the round's batches; in 'replays' each request goes 10× at once and once more after, and must name one batch. */
export async function submitDispatchWork(api: Api, templates: DispatchTemplates, channels: ChannelFakes, round: number, mode: DispatchMode): Promise<DispatchWork> {
  const tag = dispatchTag(round);
  const reports = fakeLedgers(channels).map((ledger) => ledger.report());
  const marks = { absorbed: reports.map((report) => report.deduplicated), dropped: reports.reduce((sum, report) => sum + report.dropped, 0) };
  const work: DispatchWork = { tag, traceIds: [], requests: 0, keyViolations: [], concurrentAnswers: {}, marks };
  for (const request of batchRequests(templates, round, tag, mode)) {
    if (mode !== 'replays') {
      const answer = await accepted(api, request, work);
      work.requests += 1;
      work.traceIds.push(...answer.traceIds!);
      continue;
    }
    const burst = await Promise.all(Array.from({ length: 10 }, () => post(api, request)));
    for (const answer of burst) work.concurrentAnswers[answer.status] = (work.concurrentAnswers[answer.status] ?? 0) + 1;
    const after = await accepted(api, request, work);
    work.requests += 11;
    const answers = [...burst.filter((answer) => answer.status === 202), after];
    const batches = new Set(answers.map((answer) => answer.batchId));
    if (batches.size > 1) work.keyViolations.push(`key ${request.key}: ${batches.size} batches (${[...batches].join(', ')})`);
    for (const answer of burst) if (answer.status !== 202 && answer.status !== 409) work.keyViolations.push(`key ${request.key}: concurrent duplicate answered ${answer.status} ${answer.text}`);
    work.traceIds.push(...after.traceIds!);
  }
  return work;
}

export const dispatchTag = (round: number) => `R${String(round).padStart(2, '0')}`;

/** Messages of the round sent so far (the faults strike once some are, so that they strike mid-batch). */
export async function dispatchSent(pool: pg.Pool, tag: string): Promise<number> {
  const { rows: [row] } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM dispatch.messages WHERE variables->>'n' LIKE $1 AND status = 'sent'`, [`${tag}-%`]);
  return row!.n;
}

/** null when every accepted message is sent or failed; otherwise what is still moving. */
export async function dispatchAtRest(pool: pg.Pool, work: DispatchWork): Promise<string | null> {
  const { rows } = await pool.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM dispatch.messages WHERE trace_id = ANY($1::uuid[]) AND status NOT IN ('sent', 'failed') GROUP BY 1`,
    [work.traceIds]);
  return rows.length ? `dispatch ${rows.map((row) => `${row.status} ${row.n}`).join(', ')}` : null;
}

/** Per WeCom member, the most deliveries inside any 60 s: above 30 the limits let a burst through. */
function maxPerMinute(deliveries: Delivery[]): number {
  const byMember = new Map<string, number[]>();
  for (const delivery of deliveries) byMember.set(delivery.to, [...(byMember.get(delivery.to) ?? []), delivery.at]);
  let max = 0;
  for (const times of byMember.values()) {
    times.sort((a, b) => a - b);
    for (let i = 0, j = 0; i < times.length; i += 1) {
      while (times[i]! - times[j]! >= 60_000) j += 1;
      max = Math.max(max, i - j + 1);
    }
  }
  return max;
}

/**
 * lost: accepted and not at rest, failed without a reason, or sent by the row and never received by a fake;
 * duplicated: a message delivered more than once, a second row for one request's message, a key that named two
 * batches. Repeats a provider absorbed by its own idempotency (WeCom's duplicate check, WeChat's client_msg_id, our
 * webhook's X-Message-Id) are noted, not counted.
 */
export async function countDispatch(pool: pg.Pool, work: DispatchWork, channels: ChannelFakes): Promise<DispatchTally> {
  const tally: DispatchTally = { lost: 0, duplicated: 0, notes: [] };
  const add = (kind: 'lost' | 'duplicated', count: number, note: string) => {
    if (count <= 0) return;
    tally[kind] += count;
    tally.notes.push(`${kind} ${count}: ${note}`);
  };
  const { rows } = await pool.query<{ status: string; n: string; error: string | null; provider: string | null }>(
    `SELECT status, variables->>'n' AS n, last_error AS error, provider FROM dispatch.messages WHERE trace_id = ANY($1::uuid[])`, [work.traceIds]);
  add('lost', work.traceIds.length - rows.length, 'accepted messages with no row');
  add('lost', rows.filter((row) => row.status !== 'sent' && row.status !== 'failed').length, 'accepted messages not at rest');
  const failed = rows.filter((row) => row.status === 'failed');
  add('lost', failed.filter((row) => !row.error).length, 'messages failed without a reason');
  const reasons = new Map<string, number>();
  for (const row of failed) if (row.error) reasons.set(row.error.slice(0, 80), (reasons.get(row.error.slice(0, 80)) ?? 0) + 1);
  for (const [reason, n] of reasons) tally.notes.push(`failed ${n} (not counted lost, a reason given): ${reason}`);

  const delivered = new Map<string, number>();
  const wecom: Delivery[] = [];
  for (const [index, ledger] of fakeLedgers(channels).entries()) {
    for (const delivery of ledger.all()) {
      const token = TOKEN.exec(JSON.stringify(delivery.body))?.[0];
      if (!token?.startsWith(`${work.tag}-`)) continue;
      delivered.set(token, (delivered.get(token) ?? 0) + 1);
      if (index === 2) wecom.push(delivery);
    }
  }
  add('lost', rows.filter((row) => row.status === 'sent' && !delivered.has(row.n)).length, 'messages sent by their row that no fake received');
  add('duplicated', [...delivered.values()].reduce((sum, n) => sum + n - 1, 0), 'messages a fake received more than once');
  const { rows: [copies] } = await pool.query<{ n: number }>(
    `SELECT (count(*) - count(DISTINCT variables->>'n'))::int AS n FROM dispatch.messages WHERE variables->>'n' LIKE $1`, [`${work.tag}-%`]);
  add('duplicated', copies!.n, 'message rows written twice for one request\'s recipient');
  add('duplicated', work.keyViolations.length, `Idempotency-Key broken: ${work.keyViolations.slice(0, 3).join('; ')}`);

  const reports = fakeLedgers(channels).map((ledger) => ledger.report());
  const dropped = reports.reduce((sum, report) => sum + report.dropped, 0) - work.marks.dropped;
  const absorbed = reports.map((report, i) => [FAKE_NAMES[i], report.deduplicated - work.marks.absorbed[i]!] as const).filter(([, n]) => n > 0);
  if (absorbed.length > 0) tally.notes.push(`repeats absorbed by the provider's own idempotency (not counted): ${absorbed.map(([name, n]) => `${name} ${n}`).join(', ')}`);
  if (dropped > 0) tally.notes.push(`WeCom silently dropped ${dropped} over its per-member limit (counted lost above)`);
  const answers = Object.entries(work.concurrentAnswers);
  if (answers.length > 0) tally.notes.push(`concurrent duplicates answered ${answers.map(([status, n]) => `${status} ×${n}`).join(', ')} (each key: one batch, checked above)`);
  const busiest = maxPerMinute(wecom);
  tally.notes.push(`${work.traceIds.length} messages in ${work.requests} requests; busiest WeCom member ${busiest} in 60 s (limit ${WECOM_MEMBER_PER_MINUTE})`);
  return tally;
}
