// Stage 2, priority overtaking: a backlog of priority-1 messages (tier 0) waits; a consumer works through it at a
// fixed time per message with the prefetch a worker would have; once it is under way, one priority-9 message (tier
// 3) is published, and we time it from its publish to the end of its own work — in each design, and in one plain
// queue, where it has to wait its turn behind the backlog (what no priority costs).
import { withAmqpChannel as withChannel } from '@doitcrm/kit';
import { openPublisher, publishMany, publishOne, dispatchSendMessage, startConsumer } from './amqp-path.ts';
import { DESIGNS, type DesignId } from './designs.ts';
import { chooseDesign, formatOvertaking } from './report.ts';
import type { Stage, StageContext } from './stages.ts';

export const OVERTAKING_DESIGNS = ['quorum', 'tiers', 'priority4'] as const satisfies readonly DesignId[];
export type OvertakingDesign = (typeof OVERTAKING_DESIGNS)[number];

export const BACKLOG_PRIORITY = 1;
export const URGENT_PRIORITY = 9;

export interface OvertakingRow {
  design: OvertakingDesign;
  label: string;
  backlog: number;
  /** backlog messages finished before the urgent one was published (the consumer was under way) */
  finishedBefore: number;
  /** backlog messages finished between its publish and the end of its own work */
  finishedMeanwhile: number;
  /** backlog messages finished after it: the ones it overtook */
  overtaken: number;
  /** from its publish to the end of its work */
  latencyMs: number;
  /** messages consumed in all (backlog + 1) */
  consumed: number;
  /** backlog + 1 over the time from the consumer's start to its last ack */
  drainPerSecond: number;
}

export interface OvertakingResult {
  backlog: number;
  concurrency: number;
  serviceMs: number;
  rows: OvertakingRow[];
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function measure(context: StageContext, design: OvertakingDesign): Promise<OvertakingRow> {
  const { publisher, consumer: consuming, ns, options } = context;
  const { backlog, concurrency, serviceMs } = options;
  const declared = await withChannel(publisher, (channel) => DESIGNS[design].declare(channel, ns));
  const channel = await openPublisher(publisher);
  await publishMany(channel, { count: backlog, firstMessageId: 1, confirmBatch: options.confirmBatch, addressOf: () => declared.addressOf(BACKLOG_PRIORITY) });

  const urgent = dispatchSendMessage(backlog + 1);
  let backlogDone = 0;
  let urgentDone: { at: number; backlogDone: number } | undefined;
  const consumer = await startConsumer(consuming, {
    queues: declared.queues, prefetch: concurrency, serviceMs,
    onDone: (message) => {
      if (message.properties.messageId === urgent.id) urgentDone = { at: performance.now(), backlogDone };
      else backlogDone += 1;
    },
  });
  const consumerStarted = performance.now();
  // a full prefetch window in hand and the backlog flowing, as in production when the urgent message comes
  const warmUp = Math.min(4 * concurrency, Math.floor(backlog / 10));
  // a drain far slower than the service time allows means something is stuck: stop rather than hang
  const patienceMs = 60_000 + 20 * backlog * Math.max(serviceMs, 1);
  try {
    await withTimeout(consumer.until(warmUp), patienceMs, `the first ${warmUp} backlog messages`);
    const finishedBefore = backlogDone;
    const publishedAt = performance.now();
    await publishOne(channel, declared.addressOf(URGENT_PRIORITY), urgent);
    await channel.waitForConfirms();
    await withTimeout(consumer.until(backlog + 1), patienceMs, `the backlog of ${backlog} and the urgent message`);
    const drainedAt = performance.now();
    if (!urgentDone) throw new Error(`${design}: the urgent message was never consumed`);
    return {
      design, label: DESIGNS[design].label, backlog, finishedBefore,
      finishedMeanwhile: urgentDone.backlogDone - finishedBefore,
      overtaken: backlog - urgentDone.backlogDone,
      latencyMs: urgentDone.at - publishedAt,
      consumed: consumer.total(),
      drainPerSecond: (backlog + 1) / ((drainedAt - consumerStarted) / 1000),
    };
  } finally {
    await channel.close().catch(() => {});
    await consumer.close();
    await ns.deleteQueues(publisher, declared.queues);
  }
}

export const overtakingStage: Stage<'overtaking'> = {
  id: 'overtaking',
  title: 'Priority overtaking: one priority-9 message behind a backlog of priority-1 messages',
  async run(context) {
    const { options, log } = context;
    const rows: OvertakingRow[] = [];
    for (const design of OVERTAKING_DESIGNS) {
      const row = await measure(context, design);
      rows.push(row);
      log(`  ${design.padEnd(10)} urgent message done ${row.latencyMs.toFixed(1)} ms after its publish, ${row.overtaken} of the backlog after it`);
    }
    return { backlog: options.backlog, concurrency: options.concurrency, serviceMs: options.serviceMs, rows };
  },
  report: (result, earlier) => formatOvertaking(result, chooseDesign(result, earlier['queue-choice'])),
};
