// npm run bench:limits -- [--seconds 3] [--rounds 3] [--concurrency 100] [--recipients 50000]
// Reservations a second through one ioredis connection (as a dispatcher worker has), beside a raw INCR on the same
// connection at the same concurrency in the same run: the anchor says how much of Redis's round-trip capacity each
// limit spends. The cases take turns for several rounds and each reports its median round, so a burst of other work
// on the machine does not land on one case only. Keys live under a prefix of their own and are deleted at the end.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createDedupe, createLimiter, type LimitCheck } from '../src/index.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '100' }, recipients: { type: 'string', default: '50000' } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
const recipients = Number(values.recipients);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `bench:limits:${randomBytes(4).toString('hex')}:`;
const redis = new Redis(REDIS_URL, { keyPrefix });
const limiter = createLimiter({ redis });
const dedupe = createDedupe({ redis });

interface Result {
  label: string;
  ops: number;
  perSecond: number;
  p50: number;
  p99: number;
  redisUsPerOp: number;
  note: string;
}

/**
 * Redis's own time so far in the commands the cases send (INFO commandstats). Only those: a script's inner commands
 * are counted again under their own names. Others' scripts on a shared Redis add a little.
 */
async function redisBusyUs(): Promise<number> {
  const info = await redis.info('commandstats');
  return [...info.matchAll(/^cmdstat_(?:evalsha|eval|incr):.*?usec=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** one sequence over all runs: a dedupe key is new in every round */
let sequence = 0;

/** `concurrency` loops calling `op` for `seconds`; each call's latency kept. */
async function run(label: string, op: (i: number) => Promise<string | undefined>): Promise<Result> {
  const latencies: number[] = [];
  const notes = new Map<string, number>();
  const until = performance.now() + seconds * 1000;
  const busyBefore = await redisBusyUs();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const i = sequence++;
        const t = performance.now();
        const note = await op(i);
        latencies.push(performance.now() - t);
        if (note) notes.set(note, (notes.get(note) ?? 0) + 1);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const redisUsPerOp = ((await redisBusyUs()) - busyBefore) / latencies.length;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  const note = [...notes].map(([k, v]) => `${k} ${v}`).join(', ');
  return { label, ops: latencies.length, perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), redisUsPerOp, note };
}

const recipientOf = (i: number) => `wecom_app:user${i % recipients}`;
const recipientRate = (i: number): LimitCheck => ({ kind: 'rate', name: 'recipient_rate', key: recipientOf(i), windows: [{ limit: 30, windowMs: 60_000 }, { limit: 1_000, windowMs: 3_600_000 }] });
const sendChecks = (i: number): LimitCheck[] => [
  recipientRate(i),
  { kind: 'daily_cap', name: 'recipient_daily_cap', key: recipientOf(i), limit: 500 },
  { kind: 'rate', name: 'channel_rate', key: 'wecom_app', windows: [{ limit: 5_000, windowMs: 1_000 }] },
  { kind: 'concurrency', name: 'channel_concurrency', key: 'wecom_app', limit: 1_000, leaseMs: 30_000 },
];

const outcome = (d: { outcome: string; reason?: string }) => (d.outcome === 'reserved' ? 'reserved' : `defer/${d.reason}`);

const cases: Array<[string, (i: number) => Promise<string | undefined>]> = [
  ['raw INCR (anchor)', async (i) => {
    await redis.incr(`incr:${i % recipients}`);
    return undefined;
  }],
  ['recipient sliding log (30/min + 1000/h)', async (i) => outcome(await limiter.acquire([recipientRate(i)]))],
  ['send: recipient log + cap + channel rate + lease, then release', async (i) => {
    const decision = await limiter.acquire(sendChecks(i));
    if (decision.outcome === 'reserved') await limiter.release(decision.reservation);
    return outcome(decision);
  }],
  ['dedupe: claim, then recordSent', async (i) => {
    const decision = await dedupe.claim(`tpl:${i}`);
    if (decision.outcome === 'claimed') await dedupe.recordSent(`tpl:${i}`, 60_000, decision.claim);
    return decision.outcome;
  }],
];

async function main(): Promise<void> {
  // a Redis that has been counting for an hour, not one that just lost its counts (which defers minute windows)
  const [sec] = await redis.time();
  await redis.set('limits:counting-since', String((Number(sec) - 3_600) * 1_000_000));
  const byCase: Result[][] = cases.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, [label, op]] of cases.entries()) byCase[index]!.push(await run(label, op));
  }
  const results = byCase.map((runs) => [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)]!);
  const anchor = results[0]!.perSecond;
  console.log(`limits bench: ${seconds} s per case and round, median of ${rounds} rounds, ${concurrency} in flight on one connection, ${recipients} recipients`);
  console.log(`${'case'.padEnd(64)} ${'ops/s'.padStart(9)} ${'× INCR'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'Redis µs/op'.padStart(11)}  answers`);
  for (const r of results) {
    console.log(`${r.label.padEnd(64)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(9)} ${(r.perSecond / anchor).toFixed(2).padStart(7)} ${r.p50.toFixed(2).padStart(7)} ${r.p99.toFixed(2).padStart(7)} ${r.redisUsPerOp.toFixed(1).padStart(11)}  ${r.note}`);
  }
}

async function cleanUp(): Promise<void> {
  // KEYS and SCAN patterns are not prefixed by ioredis; DEL's keys are, so strip the prefix first
  const plain = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [nextCursor, keys] = await plain.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length > 0) await plain.del(...keys);
  } while (cursor !== '0');
  await plain.quit();
  await redis.quit();
}

try {
  await main();
} finally {
  await cleanUp();
}
