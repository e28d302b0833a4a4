// Stage 1, the queue choice: the same N dispatch.send envelopes through each design, published with confirms while
// one consumer acks each (bounded prefetch), beside raw amqplib through one plain queue of the same type in the
// same run. Priorities are spread evenly over 0–10, so the tier queues and priority levels all carry traffic.
import { withAmqpChannel as withChannel } from '@doitcrm/kit';
import { dispatchSendMessage, openPublisher, publishMany, startConsumer } from './amqp-path.ts';
import { DESIGNS, type DesignId, type QueueType } from './designs.ts';
import type { Stage, StageContext } from './stages.ts';
import { formatQueueChoice } from './report.ts';

export const QUEUE_CHOICE_DESIGNS: readonly DesignId[] = ['classic', 'quorum', 'tiers', 'priority4', 'priority10'];

export interface ThroughputRun {
  design: DesignId;
  published: number;
  /** acked per queue, by the queue's name without the namespace */
  consumed: Record<string, number>;
  /** from the first publish to the last confirm */
  publishMs: number;
  /** from the first publish to the last ack */
  throughMs: number;
}

export interface ThroughputRow extends ThroughputRun {
  label: string;
  queueType: QueueType;
  publishPerSecond: number;
  throughPerSecond: number;
  /** throughPerSecond over the anchor's of the same queue type (1 for an anchor) */
  ratio: number;
}

export interface QueueChoiceResult {
  messages: number;
  bytes: number;
  prefetch: number;
  confirmBatch: number;
  rounds: number;
  rows: ThroughputRow[];
}

const perSecond = (count: number, ms: number) => (ms > 0 ? count / (ms / 1000) : 0);

/** The median run of each design (by its end-to-end rate), and each one's ratio to its anchor's median. */
export function summarizeRuns(runs: readonly ThroughputRun[]): ThroughputRow[] {
  const designs = [...new Set(runs.map((run) => run.design))];
  const medians = new Map(designs.map((design) => {
    const own = runs.filter((run) => run.design === design).sort((a, b) => b.throughMs - a.throughMs);
    return [design, own[Math.floor(own.length / 2)]!] as const;
  }));
  return designs.map((design) => {
    const run = medians.get(design)!;
    const { label, queueType, anchor } = DESIGNS[design];
    const anchorRun = medians.get(anchor);
    const throughPerSecond = perSecond(run.published, run.throughMs);
    return {
      ...run, label, queueType,
      publishPerSecond: perSecond(run.published, run.publishMs),
      throughPerSecond,
      ratio: anchorRun ? throughPerSecond / perSecond(anchorRun.published, anchorRun.throughMs) : Number.NaN,
    };
  });
}

/** One design, once: declared fresh, measured, and its queues deleted before the next case. */
async function measure(context: StageContext, design: DesignId, count: number): Promise<ThroughputRun> {
  const { publisher, consumer: consuming, ns, options } = context;
  const declared = await withChannel(publisher, (channel) => DESIGNS[design].declare(channel, ns));
  const consumer = await startConsumer(consuming, { queues: declared.queues, prefetch: options.prefetch });
  const channel = await openPublisher(publisher);
  try {
    const started = performance.now();
    const drained = consumer.until(count);
    // a consumer that fails while publishing still runs is reported by the await below, not as unhandled
    drained.catch(() => {});
    await publishMany(channel, { count, firstMessageId: 1, confirmBatch: options.confirmBatch, addressOf: (i) => declared.addressOf(i % 11) });
    const publishMs = performance.now() - started;
    await drained;
    const throughMs = performance.now() - started;
    const consumed = Object.fromEntries([...consumer.acked].map(([queue, acked]) => [queue.slice(ns.prefix.length), acked]));
    return { design, published: count, consumed, publishMs, throughMs };
  } finally {
    await channel.close().catch(() => {});
    await consumer.close();
    await ns.deleteQueues(publisher, declared.queues);
  }
}

export const queueChoiceStage: Stage<'queue-choice'> = {
  id: 'queue-choice',
  title: 'Queue choice: throughput beside raw amqplib on the same queue type',
  async run(context) {
    const { options, log } = context;
    // JIT, connection and disk warm-up, not counted
    await measure(context, 'classic', Math.min(options.messages, 2_000));
    const runs: ThroughputRun[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const design of QUEUE_CHOICE_DESIGNS) {
        const run = await measure(context, design, options.messages);
        runs.push(run);
        log(`  round ${round}: ${design.padEnd(10)} ${Math.round(perSecond(run.published, run.throughMs)).toLocaleString('en-US')} msg/s through`);
      }
    }
    return {
      messages: options.messages, bytes: dispatchSendMessage(1).body.length, prefetch: options.prefetch, confirmBatch: options.confirmBatch,
      rounds: options.rounds, rows: summarizeRuns(runs),
    };
  },
  report: (result) => formatQueueChoice(result),
};
