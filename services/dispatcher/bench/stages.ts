// The stages of `npm run bench:dispatcher` and what each is given: the queue choice (throughput of each queue
// design beside raw amqplib on the same queue type), priority overtaking, and the pipeline's own figures, each a
// `Stage` in STAGES with its result type in `StageResults` (intake.ts, delivery.ts, on the process of pipeline.ts):
//   'batch-accept'   a 10,000-recipient POST /api/messages/send-batch over HTTP with a signed-in session, the
//                    dispatcher started on a bench database (kit `benchDatabase`, `startServiceProcess`): 202 in < 1 s;
//   'single-send'    POST /api/messages/send at 500 req/s (open loop), p99 of the acceptance < 50 ms, beside a bare
//                    Express hello at the same rate;
//   'end-to-end'     outbox relay → tier queues → channel workers → unthrottled fakes (packages/fakes counts the
//                    deliveries): delivered msg/s, its ratio to `earlier['queue-choice']`'s quorum anchor;
//   'queue-to-sent'  at 500 msg/s, p99 from queued to sent (dispatch.trace_events) ≤ 500 ms.
// Such a stage starts processes or databases: it registers their teardown with `defer`, which runs after a finish,
// an error or Ctrl-C alike, before the namespace's queues and exchanges are deleted.
import type { ChannelModel } from 'amqplib';
import type { BenchNamespace } from './bench-namespace.ts';
import type { EndToEndResult, QueueToSentResult } from './delivery.ts';
import type { BatchAcceptResult, SingleSendResult } from './intake.ts';
import type { OvertakingResult } from './overtaking.ts';
import type { QueueChoiceResult } from './queue-choice.ts';

export interface BenchOptions {
  /** messages per queue-choice case */
  messages: number;
  /** unacknowledged messages per consumer in the queue-choice cases */
  prefetch: number;
  /** publishes between waits for the broker's confirms */
  confirmBatch: number;
  /** each case runs this many times, interleaved with the others; the median run is reported */
  rounds: number;
  /** priority-1 messages waiting before the priority-9 one is published */
  backlog: number;
  /** the overtaking consumer's prefetch per queue: messages it works on at once (workers.concurrency) */
  concurrency: number;
  /** the overtaking consumer's time per message */
  serviceMs: number;
  /** recipients per send-batch request of the batch-accept stage */
  batch: number;
  /** measured send-batch requests of the batch-accept stage */
  batchRuns: number;
  /** requests a second offered by the single-send and queue-to-sent stages (open loop) */
  rate: number;
  /** how long they offer it */
  seconds: number;
  stages: StageId[];
}

/** Each stage's result, by stage id. */
export interface StageResults {
  'queue-choice': QueueChoiceResult;
  overtaking: OvertakingResult;
  'batch-accept': BatchAcceptResult;
  'single-send': SingleSendResult;
  /** `messages` messages, as many as a queue-choice case, so its ratio to the quorum anchor compares like with like */
  'end-to-end': EndToEndResult;
  'queue-to-sent': QueueToSentResult;
}
export type StageId = keyof StageResults;

export interface StageContext {
  options: BenchOptions;
  /** publishing and consuming on separate connections, as the relay and a worker are separate processes */
  publisher: ChannelModel;
  consumer: ChannelModel;
  /** every queue and exchange a stage declares goes through it, so clean-up finds it */
  ns: BenchNamespace;
  log(line: string): void;
  /** Teardown of what a stage started; run in reverse order at the end, also on an error or Ctrl-C. */
  defer(teardown: () => Promise<void>): void;
  /** the results of the stages that ran before this one */
  earlier: Partial<StageResults>;
}

export interface Stage<K extends StageId = StageId> {
  id: K;
  title: string;
  run(context: StageContext): Promise<StageResults[K]>;
  /** the stage's markdown (tables and conclusions), printed and pasted into the README */
  report(result: StageResults[K], earlier: Partial<StageResults>): string;
}
