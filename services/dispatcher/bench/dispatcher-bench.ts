// npm run bench:dispatcher -- [--messages 20000] [--prefetch 100] [--confirm-batch 100] [--rounds 1] [--backlog 10000]
//   [--concurrency 32] [--service-ms 1] [--batch 10000] [--batch-runs 3] [--rate 500] [--seconds 10]
//   [--stages queue-choice,overtaking,batch-accept,single-send,end-to-end,queue-to-sent]
// The dispatcher's queue design chosen by measurement: each design's throughput as a ratio to raw amqplib through a
// plain queue of the same type in the same run (so runs on a differently loaded box compare), and how long one
// urgent message takes behind a backlog. Everything it declares lives under `benchdispatch<pid>.` and is deleted at
// the end, also after an error or Ctrl-C. Then the pipeline's own figures (stages.ts): the dispatcher's process on a
// bench database, its intake, its delivery rate and its queued-to-sent latency.
import os from 'node:os';
import { parseArgs } from 'node:util';
import amqplib, { type ChannelModel } from 'amqplib';
import { redactUrl } from '@doitcrm/db';
import { DEFAULT_DISPATCH_SETTINGS } from '../src/domain/dispatch-settings.ts';
import { BenchNamespace, type Removed } from './bench-namespace.ts';
import { endToEndStage, queueToSentStage } from './delivery.ts';
import { BENCH_CHANNEL } from './designs.ts';
import { batchAcceptStage, singleSendStage } from './intake.ts';
import { overtakingStage } from './overtaking.ts';
import { queueChoiceStage } from './queue-choice.ts';
import type { BenchOptions, Stage, StageContext, StageId, StageResults } from './stages.ts';

/** In the order they run: a later stage may read an earlier one's result. */
const STAGES: { [K in StageId]: Stage<K> } = {
  'queue-choice': queueChoiceStage, overtaking: overtakingStage,
  'batch-accept': batchAcceptStage, 'single-send': singleSendStage, 'end-to-end': endToEndStage, 'queue-to-sent': queueToSentStage,
};
export const STAGE_IDS = Object.keys(STAGES) as StageId[];

export const DEFAULT_OPTIONS: BenchOptions = {
  messages: 20_000, prefetch: 100, confirmBatch: 100, rounds: 1, backlog: 10_000,
  concurrency: DEFAULT_DISPATCH_SETTINGS['workers.concurrency'][BENCH_CHANNEL], serviceMs: 1,
  batch: 10_000, batchRuns: 3, rate: 500, seconds: 10, stages: STAGE_IDS,
};

export interface BenchResult {
  namespace: string;
  rabbitmq: string;
  cores: number;
  load: { start: number[]; end: number[] };
  results: Partial<StageResults>;
  /** each stage's markdown, in the order run */
  reports: Array<{ id: StageId; title: string; markdown: string }>;
  /** every queue and exchange the run declared (all deleted by the time it returns) */
  declared: Removed;
}

export interface DispatcherBench {
  ns: BenchNamespace;
  run(): Promise<BenchResult>;
  /** Idempotent: the stages' teardowns, the connections, then every queue and exchange still declared (returned). */
  cleanUp(): Promise<Removed>;
}

export function createDispatcherBench(options: BenchOptions, settings: { amqpUrl?: string; ns?: BenchNamespace; log?: (line: string) => void } = {}): DispatcherBench {
  const amqpUrl = settings.amqpUrl ?? process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const ns = settings.ns ?? new BenchNamespace();
  const log = settings.log ?? ((line: string) => console.log(line));
  const teardowns: Array<() => Promise<void>> = [];
  const connect = async (name: string): Promise<ChannelModel> => {
    const connection = await amqplib.connect(amqpUrl, { clientProperties: { connection_name: `${ns.prefix}${name}` } });
    // a connection error with no listener would kill the process before clean-up ran
    connection.on('error', () => {});
    teardowns.push(() => connection.close().catch(() => {}));
    return connection;
  };
  let cleaning: Promise<Removed> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      for (const teardown of teardowns.splice(0).reverse()) await teardown().catch(() => {});
      // a connection of its own: the run's may be the thing that failed
      const connection = await amqplib.connect(amqpUrl);
      connection.on('error', () => {});
      try {
        return await ns.deleteAll(connection);
      } finally {
        await connection.close().catch(() => {});
      }
    })();
    return cleaning;
  };

  async function run(): Promise<BenchResult> {
    const loadStart = os.loadavg();
    const results: Partial<StageResults> = {};
    const reports: BenchResult['reports'] = [];
    let rabbitmq = '';
    try {
      const publisher = await connect('publisher');
      const consumer = await connect('consumer');
      rabbitmq = `RabbitMQ ${String(publisher.connection.serverProperties.version)}`;
      log(`dispatcher bench: ${rabbitmq} at ${redactUrl(amqpUrl)}, namespace ${ns.prefix}, ${os.cpus().length} cores, `
        + `load average ${loadStart.map((n) => n.toFixed(2)).join(' ')}`);
      const context: Omit<StageContext, 'earlier'> = { options, publisher, consumer, ns, log, defer: (teardown) => { teardowns.push(teardown); } };
      const runStage = async <K extends StageId>(stage: Stage<K>) => {
        log(`\n## ${stage.title}\n`);
        const result = await stage.run({ ...context, earlier: results });
        results[stage.id] = result as StageResults[K] & Partial<StageResults>[K];
        const markdown = stage.report(result, results);
        reports.push({ id: stage.id, title: stage.title, markdown });
        log(`\n${markdown}`);
      };
      for (const id of STAGE_IDS) {
        if (options.stages.includes(id)) await runStage(STAGES[id] as Stage);
      }
    } finally {
      await cleanUp();
      const declared = ns.declared();
      log(`\nclean-up: the ${declared.queues.length} queues and ${declared.exchanges.length} exchanges declared under ${ns.prefix} are deleted`);
    }
    const end = os.loadavg();
    log(`load average at the end ${end.map((n) => n.toFixed(2)).join(' ')}`);
    return { namespace: ns.prefix, rabbitmq, cores: os.cpus().length, load: { start: loadStart, end }, results, reports, declared: ns.declared() };
  }

  return { ns, run, cleanUp };
}

const positive = (name: string, text: string | undefined, min = 1): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got ${text})`);
  return value;
};

export function parseOptions(argv: string[]): BenchOptions {
  const d = DEFAULT_OPTIONS;
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: 'string', default: String(d.messages) }, prefetch: { type: 'string', default: String(d.prefetch) },
      'confirm-batch': { type: 'string', default: String(d.confirmBatch) }, rounds: { type: 'string', default: String(d.rounds) },
      backlog: { type: 'string', default: String(d.backlog) }, concurrency: { type: 'string', default: String(d.concurrency) },
      'service-ms': { type: 'string', default: String(d.serviceMs) },
      batch: { type: 'string', default: String(d.batch) }, 'batch-runs': { type: 'string', default: String(d.batchRuns) },
      rate: { type: 'string', default: String(d.rate) }, seconds: { type: 'string', default: String(d.seconds) },
      stages: { type: 'string', default: d.stages.join(',') },
    },
  });
  const stages = values.stages.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = stages.filter((id) => !STAGE_IDS.includes(id as StageId));
  if (unknown.length > 0 || stages.length === 0) throw new Error(`--stages takes some of ${STAGE_IDS.join(', ')} (got ${values.stages})`);
  return {
    messages: positive('messages', values.messages, 100), prefetch: positive('prefetch', values.prefetch),
    confirmBatch: positive('confirm-batch', values['confirm-batch']), rounds: positive('rounds', values.rounds),
    backlog: positive('backlog', values.backlog, 100), concurrency: positive('concurrency', values.concurrency),
    serviceMs: positive('service-ms', values['service-ms'], 0),
    batch: positive('batch', values.batch), batchRuns: positive('batch-runs', values['batch-runs']),
    rate: positive('rate', values.rate), seconds: positive('seconds', values.seconds),
    stages: stages as StageId[],
  };
}

async function main(): Promise<void> {
  const bench = createDispatcherBench(parseOptions(process.argv.slice(2)));
  // Ctrl-C or a kill: delete what was declared, then leave with the signal's usual status
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      console.log(`\n${signal}: deleting the bench's queues and exchanges under ${bench.ns.prefix}`);
      bench.cleanUp().then(
        (removed) => console.log(`clean-up: deleted ${removed.queues.length} queues and ${removed.exchanges.length} exchanges`),
        (error: unknown) => console.error(error),
      ).finally(() => process.exit(status));
    });
  }
  await bench.run();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await main();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  }
}
