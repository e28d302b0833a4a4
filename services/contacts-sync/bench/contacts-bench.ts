// npm run bench:contacts -- [--staff 50] [--customers 2000] [--groups 200] [--rate 1000] [--seconds 10] [--stages sync,callbacks] [--keep]
// The issue's acceptance figures for contacts-sync (README "Performance"), on a database, RabbitMQ namespace and
// Redis prefix of this run only:
// - sync: 50 members × 2,000 customers each in the WeCom fake (its documented limits), a full pass by the CLI: calls
//   against the fewest the batch endpoints allow, wall time against what the client's rate budget allows for those
//   calls, then a second pass over the unchanged corp, which must write no row;
// - callbacks: `--rate` signed and encrypted deliveries a second for `--seconds` from the fake's WeCom sender into the
//   service's own process (open loop), some sent twice as WeCom's retries are; accepted, latency, lost and applied
//   twice, and the same load against a bare Express answering 200 on this box as the anchor.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { migrate, redactUrl } from '@doitcrm/db';
import { createWecomFake } from '@doitcrm/fakes';
import { createPool, createRedis } from '@doitcrm/kit';
import { benchDatabase } from '@doitcrm/kit/testing';
import { wecomSettingsShape } from '@doitcrm/wecom';
import { deleteServiceNamespace } from '../../dispatcher/bench/pipeline.ts';
import { formatTable, ratioText, sumCalls, type TableRow } from './bench-report.ts';
import { seedBigCorp } from './big-corp.ts';
import { runCallbackStage, type CallbackStageResult } from './callback-stage.ts';
import { runSyncStage, type SyncStageResult } from './sync-stage.ts';

const { values } = parseArgs({
  options: {
    staff: { type: 'string', default: '50' },
    customers: { type: 'string', default: '2000' },
    groups: { type: 'string', default: '200' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    stages: { type: 'string', default: 'sync,callbacks' },
    keep: { type: 'boolean', default: false },
  },
});
const whole = (name: string, text: string, min: number) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got ${text})`);
  return n;
};
const options = {
  staff: whole('staff', values.staff, 1), customersPerStaff: whole('customers', values.customers, 1), groups: whole('groups', values.groups, 0),
  membersPerGroup: 20, rate: whole('rate', values.rate, 1), seconds: whole('seconds', values.seconds, 1),
};
const stages = new Set(values.stages.split(','));

const started = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const namespace = `benchcontacts${process.pid}`;
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// the service's own defaults: the bench measures what an installation that sets nothing gets
const wecomDefaults = z.object(wecomSettingsShape).parse({});
const limits = { perMinute: wecomDefaults.WECOM_RATE_LIMIT_PER_MINUTE, perHour: wecomDefaults.WECOM_RATE_LIMIT_PER_HOUR };

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const msText = (ms: number) => `${ms.toFixed(1)} ms`;

function syncRows(sync: SyncStageResult): TableRow[] {
  const made = sumCalls(sync.first.calls);
  const minimum = sumCalls(sync.minimum);
  const written = Object.values(sync.second.rowVersions).reduce((a, b) => a + b, 0);
  return [
    { measure: 'full pass: WeCom calls', measured: count(made), against: `${count(minimum)} fewest possible`, ratio: made / minimum, goal: '≤ 1.1×', met: made / minimum <= 1.1 },
    {
      measure: 'full pass: wall time', measured: secs(sync.first.ms), against: `${secs(sync.floorMs)} the rate limits allow`,
      ratio: sync.floorMs > 0 ? sync.first.ms / sync.floorMs : null, goal: '≤ 1.25×', met: sync.floorMs > 0 ? sync.first.ms / sync.floorMs <= 1.25 : null,
    },
    { measure: 'second pass, nothing changed: rows written', measured: `${count(written)} (change log ${count(sync.second.changes)})`, against: '0', ratio: null, goal: '0', met: written === 0 && sync.second.changes === 0 },
    { measure: 'second pass: wall time, calls', measured: `${secs(sync.second.ms)}, ${count(sumCalls(sync.second.calls))}`, against: '', ratio: null, goal: '', met: null },
  ];
}

function callbackRows(cb: CallbackStageResult): TableRow[] {
  const { service, anchor } = cb;
  return [
    { measure: 'callbacks: deliveries accepted (200)', measured: `${count(cb.accepted)} of ${count(cb.deliveries)} (+${count(cb.duplicatesSent)} sent twice)`, against: `${count(service.achievedRate)}/s achieved of ${count(service.rate)}/s`, ratio: null, goal: 'all', met: cb.accepted === cb.deliveries },
    { measure: 'callbacks: acceptance p50', measured: msText(service.p50), against: `anchor ${msText(cb.anchors.before.p50)} before, ${msText(cb.anchors.after.p50)} after`, ratio: service.p50 / anchor.p50, goal: '', met: null },
    { measure: 'callbacks: acceptance p95', measured: msText(service.p95), against: `anchor ${msText(cb.anchors.before.p95)} before, ${msText(cb.anchors.after.p95)} after`, ratio: service.p95 / anchor.p95, goal: '', met: null },
    { measure: 'callbacks: acceptance p99', measured: msText(service.p99), against: `anchor ${msText(cb.anchors.before.p99)} before, ${msText(cb.anchors.after.p99)} after`, ratio: service.p99 / anchor.p99, goal: '< 100 ms', met: service.p99 < 100 },
    { measure: 'callbacks: retries WeCom needed (non-200 / timeout)', measured: count(cb.retries), against: '', ratio: null, goal: '', met: null },
    { measure: 'callbacks: lost', measured: count(cb.lost), against: cb.lostNotes.join('; '), ratio: null, goal: '0', met: cb.lost === 0 },
    { measure: 'callbacks: applied twice', measured: count(cb.appliedTwice), against: cb.twiceNotes.join('; '), ratio: null, goal: '0', met: cb.appliedTwice === 0 },
    { measure: 'callbacks: service CPU per delivery', measured: cb.serviceCpuMsPerDelivery === null ? '—' : msText(cb.serviceCpuMsPerDelivery), against: `at most ${count(1000 / Math.max(0.001, cb.serviceCpuMsPerDelivery ?? 1))}/s on one core`, ratio: null, goal: '', met: null },
    {
      measure: 'callbacks: service CPU per delivery, until all applied', measured: cb.serviceCpuMsPerDeliveryUntilApplied === null ? '—' : msText(cb.serviceCpuMsPerDeliveryUntilApplied),
      against: 'the request path and the applier (in the service process) together', ratio: null, goal: '', met: null,
    },
    { measure: 'callbacks: sender (bench process) CPU per delivery', measured: msText(cb.senderCpuMsPerDelivery), against: 'the load generator, on the same cores', ratio: null, goal: '', met: null },
    { measure: 'callbacks: stored → all applied', measured: secs(cb.drainMs), against: `${count(cb.inboxRows)} inbox rows`, ratio: null, goal: '', met: null },
  ];
}

async function main(): Promise<number> {
  const db = benchDatabase('contacts', { keep: values.keep });
  const fake = createWecomFake();
  const shape = seedBigCorp(fake, options);
  const listening = await fake.listen(0, '127.0.0.1');
  const pool = createPool({ databaseUrl: db.url, max: 4, applicationName: 'contacts-bench' });
  const cleanups: Array<() => Promise<unknown>> = [
    () => listening.close(), () => pool.end(), () => db.finish(),
    () => deleteServiceNamespace(amqpUrl, `${namespace}.`, log),
    async () => {
      // the run's keys (rate windows, nonces, job progress) under its own prefix
      const redis = createRedis({ redisUrl });
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  ];
  try {
    await migrate({ databaseUrl: db.url });
    log(`${db.name} on ${redactUrl(db.url.replace(/\/[^/]*$/, ''))}; ${count(shape.members)} members × ${count(options.customersPerStaff)} customers, `
      + `${count(shape.groups)} groups; rate budget ${limits.perMinute}/min and ${limits.perHour}/h per API (the service's defaults)`);
    const env: NodeJS.ProcessEnv = {
      ...process.env, DATABASE_URL: db.url, AMQP_URL: amqpUrl, AMQP_NAMESPACE: `${namespace}.`, REDIS_URL: redisUrl, REDIS_PREFIX: `${namespace}:`,
      WECOM_BASE_URL: listening.url, WECOM_CORP_ID: fake.corpId, WECOM_SECRET: fake.secret, LOG_LEVEL: 'warn',
      CONTACTS_SYNC_INCREMENTAL_CRON: 'off', CONTACTS_SYNC_FULL_CRON: 'off',
    };
    const rows: TableRow[] = [];
    let sync: SyncStageResult | undefined;
    if (stages.has('sync')) {
      log('sync');
      sync = await runSyncStage({ pool, fake, shape, env, limits, log });
      rows.push(...syncRows(sync));
    }
    if (stages.has('callbacks')) {
      log('callbacks');
      const cb = await runCallbackStage({ pool, fake, env, rate: options.rate, seconds: options.seconds, staff: options.staff, customersPerStaff: options.customersPerStaff, synced: sync !== undefined, log });
      rows.push(...callbackRows(cb));
    }
    console.log(`\n${formatTable(rows)}\n`);
    if (sync) {
      console.log(`calls by API (first pass, made / fewest): ${Object.entries(sync.minimum).map(([api, min]) => `${api} ${sync.first.calls[api] ?? 0}/${min}`).join(', ')}`);
      console.log(`second pass row versions written: ${Object.entries(sync.second.rowVersions).map(([t, n]) => `${t} ${n}`).join(', ')}; `
        + `first pass ${ratioText(sync.first.ms / Math.max(1, sync.floorMs))} of the floor`);
    }
    return rows.some((row) => row.met === false) ? 1 : 0;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => log(`clean-up: ${error instanceof Error ? error.message : String(error)}`));
  }
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error);
  return 2;
});
