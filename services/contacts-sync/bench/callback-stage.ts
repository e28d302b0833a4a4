// The callback half of the contacts benchmark. The fake's WeCom sender (encrypted with WeCom's own @wecom/crypto,
// signed, 3 attempts on a non-200 or a 5 s timeout) sends `del_follow_user` for distinct synced relations, open loop
// (each delivery timed from when it was due, so a slow receiver cannot slow the sender down and hide its own queue),
// to the service's own process, after the same load against a bare Express (the anchor). Every 50th delivery is
// sent once more with the same envelope, as WeCom's retry of an answer it did not get. At rest the database is
// checked against what was sent: a relation not marked, or an inbox row never applied, is lost; a relation with two
// churn alerts, or one event applied from two inbox rows, was applied twice.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { CallbackDelivery, WecomFake } from '@doitcrm/fakes';
import { startServiceProcess, type ServiceProcess } from '@doitcrm/kit/testing';
import { openLoop, type OpenLoopResult } from '../../dispatcher/bench/open-loop.ts';
import { customerId, staffId } from './big-corp.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const DUPLICATE_EVERY = 50;
/**
 * Before each measured run, one second at the measured rate on relations the run does not touch: from 100/s, the
 * first second at 1,000/s was where the whole tail lay (service p50 97 ms, p99 0.4 s in that second, 13–18 ms and
 * 20–60 ms in every later one), spent opening pooled connections and compiling the hot path, in the anchor as in the
 * service. The README gives the cold second apart.
 */
const warmUpDeliveries = (rate: number) => rate;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface CallbackStageResult {
  deliveries: number;
  accepted: number;
  duplicatesSent: number;
  retries: number;
  service: OpenLoopResult;
  /** the better of the two anchor runs (the ratio's base), and both */
  anchor: OpenLoopResult;
  anchors: { before: OpenLoopResult; after: OpenLoopResult };
  lost: number;
  lostNotes: string[];
  appliedTwice: number;
  twiceNotes: string[];
  inboxRows: number;
  drainMs: number;
  /** CPU the service used per delivery, ms (user + system, from /proc) */
  serviceCpuMsPerDelivery: number | null;
  /** the same from the load's start until the inbox was applied: the applier's share is the difference */
  serviceCpuMsPerDeliveryUntilApplied: number | null;
  /** CPU this process (the WeCom sender) used per delivery, ms: when it nears 1 ms a core, the sender sets the pace */
  senderCpuMsPerDelivery: number;
}

interface Context {
  pool: pg.Pool;
  fake: WecomFake;
  env: NodeJS.ProcessEnv;
  rate: number;
  seconds: number;
  staff: number;
  customersPerStaff: number;
  synced: boolean;
  log: (line: string) => void;
}

/** The relation the ith delivery deletes: spread over the members, never the same twice. */
const pairOf = (i: number, staff: number) => ({ userId: staffId(i % staff), externalUserId: customerId(i % staff, Math.floor(i / staff)) });

function startAnchor(): Promise<{ url: string; stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'anchor-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', (chunk: Buffer) => {
      const port = /"port":(\d+)/.exec(chunk.toString())?.[1];
      if (!port) return reject(new Error(`anchor: ${chunk.toString()}`));
      resolve({ url: `http://127.0.0.1:${port}/callback`, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`anchor exited ${code}`)));
  });
}

function cpuMs(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

export async function runCallbackStage(context: Context): Promise<CallbackStageResult> {
  const { pool, fake, rate, seconds, staff, log } = context;
  const total = rate * seconds;
  if (!context.synced) throw new Error('the callback stage deletes synced relations: run it with the sync stage (--stages sync,callbacks)');
  if (total + warmUpDeliveries(rate) > staff * context.customersPerStaff) throw new Error(`${total} deliveries need as many relations; the corp has ${staff * context.customersPerStaff}`);
  const secrets = { token: randomBytes(12).toString('hex'), encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };

  const anchor = await startAnchor();
  const anchorSender = fake.attachCallback({ url: anchor.url, ...secrets });
  const event = (i: number) => {
    const pair = pairOf(i, staff);
    return { event: 'change_external_contact', changeType: 'del_follow_user', fields: { UserID: pair.userId, ExternalUserID: pair.externalUserId } };
  };
  const statusOf = (delivery: CallbackDelivery) => (delivery.delivered ? 200 : Number(delivery.attempts.at(-1)?.outcome) || 0);
  // warm-up of both ends on relations the measured load does not touch
  await openLoop({ rate, seconds: 1, send: async (i) => statusOf(await anchorSender.send(event(total + i))) });
  // the anchor runs before and after the service (the box's load drifts); the table compares with the better of the two
  const anchorRun = async (when: string) => {
    log(`  anchor (bare Express, 200) ${when}: ${rate}/s for ${seconds} s`);
    fake.attachCallback({ url: anchor.url, ...secrets });
    const result = await openLoop({ rate, seconds, send: async (i) => statusOf(await fake.callbackSender()!.send(event(i))) });
    log(`    p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${Math.round(result.achievedRate)}/s`);
    return result;
  };
  const anchorBefore = await anchorRun('before');

  const service: ServiceProcess = await startServiceProcess(
    { context: { config: { DATABASE_URL: context.env.DATABASE_URL!, AMQP_URL: context.env.AMQP_URL!, AMQP_NAMESPACE: context.env.AMQP_NAMESPACE!, REDIS_URL: context.env.REDIS_URL!, REDIS_PREFIX: context.env.REDIS_PREFIX! } } },
    'services/contacts-sync/src/start.ts',
    {
      WECOM_BASE_URL: context.env.WECOM_BASE_URL!, WECOM_CORP_ID: fake.corpId, WECOM_SECRET: fake.secret,
      WECOM_TOKEN: secrets.token, WECOM_ENCODING_AES_KEY: secrets.encodingAesKey,
      CONTACTS_SYNC_INCREMENTAL_CRON: 'off', CONTACTS_SYNC_FULL_CRON: 'off',
    },
  );
  try {
    const sender = fake.attachCallback({ url: `${service.baseUrl}/api/v1/wecom/callback`, ...secrets });
    await openLoop({ rate, seconds: 1, send: async (i) => statusOf(await sender.send(event(total + i))) });
    const warmDeliveries = sender.deliveries.length;
    const resends: Array<Promise<number>> = [];
    const resend = (delivery: CallbackDelivery) => {
      const url = new URL(`${service.baseUrl}/api/v1/wecom/callback`);
      for (const [key, value] of Object.entries(delivery.query)) url.searchParams.set(key, value);
      return fetch(url, { method: 'POST', body: delivery.body, headers: { 'content-type': 'text/xml; charset=utf-8' } }).then(async (r) => { await r.text(); return r.status; }, () => 0);
    };
    const cpuBefore = cpuMs(service.child.pid);
    const senderBefore = process.cpuUsage();
    log(`  contacts-sync (its own process): ${rate}/s for ${seconds} s, every ${DUPLICATE_EVERY}th sent twice`);
    const result = await openLoop({
      rate, seconds,
      send: async (i) => {
        const delivery = await sender.send(event(i));
        if (i % DUPLICATE_EVERY === 0) resends.push(resend(delivery));
        return statusOf(delivery);
      },
    });
    const resendStatuses = await Promise.all(resends);
    const cpuAfter = cpuMs(service.child.pid);
    const senderCpu = process.cpuUsage(senderBefore);
    log(`    p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${Math.round(result.achievedRate)}/s; waiting for the inbox to be applied`);

    const measured = sender.deliveries.slice(warmDeliveries);
    const loadEnded = performance.now();
    let pending = 1;
    while (pending > 0 && performance.now() - loadEnded < 300_000) {
      const { rows: [row] } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts.callback_inbox WHERE applied_at IS NULL');
      pending = row!.n;
      if (pending > 0) await sleep(200);
    }
    const drainMs = performance.now() - loadEnded;
    const cpuApplied = cpuMs(service.child.pid);

    const pairs = Array.from({ length: total }, (_, i) => pairOf(i, staff));
    const lostNotes: string[] = [];
    const twiceNotes: string[] = [];
    const { rows: [tally] } = await pool.query<{ unmarked: number; unapplied: number; alerts_twice: number; applied_twice: number; rows: number }>(
      `WITH sent AS (SELECT * FROM unnest($1::text[], $2::text[]) AS s(ext, uid)),
            inbox AS (SELECT substring(raw_plaintext FROM 'ExternalUserID><!\\[CDATA\\[([^]]+)\\]') AS ext,
                             substring(raw_plaintext FROM '<UserID><!\\[CDATA\\[([^]]+)\\]') AS uid, applied_at, outcome, error FROM contacts.callback_inbox)
       SELECT (SELECT count(*) FROM sent WHERE NOT EXISTS (SELECT 1 FROM contacts.follow_relations r
                 WHERE r.external_userid = sent.ext AND r.userid = sent.uid AND r.status = 'deleted_by_customer'))::int AS unmarked,
              (SELECT count(*) FROM inbox WHERE applied_at IS NULL)::int AS unapplied,
              (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM contacts.churn_alerts GROUP BY relation_id) a)::int AS alerts_twice,
              (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM inbox WHERE outcome = 'applied' AND error IS NULL GROUP BY ext, uid) i)::int AS applied_twice,
              (SELECT count(*) FROM inbox)::int AS rows`,
      [pairs.map((p) => p.externalUserId), pairs.map((p) => p.userId)]);
    const lost = tally!.unmarked + tally!.unapplied;
    if (tally!.unmarked) lostNotes.push(`${tally!.unmarked} relations sent and not marked deleted`);
    if (tally!.unapplied) lostNotes.push(`${tally!.unapplied} inbox rows never applied`);
    if (tally!.alerts_twice) twiceNotes.push(`${tally!.alerts_twice} extra churn alerts`);
    if (tally!.applied_twice) twiceNotes.push(`${tally!.applied_twice} events applied from a second inbox row`);
    twiceNotes.push(`resends answered ${Object.entries(resendStatuses.reduce<Record<string, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {})).map(([s, n]) => `${s} ×${n}`).join(', ')}`);
    await service.stop();
    const anchorAfter = await anchorRun('after');
    const anchorResult = anchorAfter.p99 < anchorBefore.p99 ? anchorAfter : anchorBefore;
    return {
      deliveries: measured.length,
      accepted: measured.filter((d) => d.delivered).length,
      duplicatesSent: resends.length,
      retries: measured.reduce((sum, d) => sum + d.attempts.length - 1, 0),
      service: result, anchor: anchorResult, anchors: { before: anchorBefore, after: anchorAfter }, lost, lostNotes, appliedTwice: tally!.alerts_twice + tally!.applied_twice, twiceNotes,
      inboxRows: tally!.rows, drainMs,
      serviceCpuMsPerDelivery: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / (measured.length + resends.length) : null,
      serviceCpuMsPerDeliveryUntilApplied: cpuBefore !== null && cpuApplied !== null ? (cpuApplied - cpuBefore) / (measured.length + resends.length) : null,
      senderCpuMsPerDelivery: (senderCpu.user + senderCpu.system) / 1000 / (measured.length + resends.length),
    };
  } finally {
    fake.detachCallback();
    await service.stop();
    anchor.stop();
  }
}
