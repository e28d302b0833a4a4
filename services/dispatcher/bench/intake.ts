// The intake's stages: a 10,000-recipient POST /api/messages/send-batch (202 in < 1 s), and POST /api/messages/send
// at 500 requests a second open loop (p99 < 50 ms) beside a bare Express hello at the same rate. Both go to the
// dispatcher as `npm start` runs it, workers included (pipeline.ts): the acceptance is measured while the relay and
// workers send what was accepted before, as in production.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { percentile } from '@doitcrm/kit/testing';
import { insertMessages } from '../src/data-access/message-repository.ts';
import { startHello } from '../../../scripts/bench-http/services.ts';
import { openLoop, type OpenLoopResult } from './open-loop.ts';
import { deliveredOf, retriesOf, startPipeline, until, type Pipeline } from './pipeline.ts';
import { formatBatchAccept, formatSingleSend } from './pipeline-report.ts';
import type { Stage } from './stages.ts';

export interface BatchAcceptResult {
  recipients: number;
  /** each measured request's time to its 202, in the order sent */
  acceptMs: number[];
  p50: number;
  max: number;
  /** the anchor: the intake's one INSERT statement (insertMessages) alone on the same rows, rolled back, p50 of as many runs */
  statementP50: number;
  /** what one request wrote (its last run): message, outbox and trace rows, the audit row and the Idempotency-Key row */
  rows: { messages: number; outbox: number; traceEvents: number; audit: number; idempotencyKeys: number };
  /** every accepted message was then delivered once (the workers drained each batch before the next request) */
  delivered: number;
  duplicated: number;
  /** repeated calls the receiver absorbed by X-Message-Id (the dispatcher sends at least once; not duplicates) */
  absorbed: number;
  /** retry trace events of these messages: provider calls that failed or timed out */
  retries: number;
  load: number[];
}

export interface SingleSendResult {
  rate: number;
  seconds: number;
  dispatcher: OpenLoopResult;
  hello: OpenLoopResult;
  delivered: number;
  duplicated: number;
  absorbed: number;
  retries: number;
  load: number[];
}

interface Accepted {
  batchId: string;
  traceIds: string[];
  queued: number;
}

function batchBody(templateId: number, run: string, recipients: number, priority: number): unknown {
  // a recipient of its own per message: the dedupe (template + recipient + content) must not fold any two
  return { template_id: templateId, priority, variables: { n: run }, recipients: Array.from({ length: recipients }, (_, i) => `bench-${run}-${i}`) };
}

/** Posts one batch with an Idempotency-Key, as a caller would; throws unless it is accepted. */
export async function postBatch(pipeline: Pipeline, recipients: number, priority: number): Promise<{ ms: number; accepted: Accepted }> {
  const run = randomUUID().slice(0, 8);
  const body = batchBody(pipeline.templateId, run, recipients, priority);
  const started = performance.now();
  const answer = await pipeline.request('/api/messages/send-batch', { body, headers: { 'idempotency-key': randomUUID() } });
  const ms = performance.now() - started;
  if (answer.status !== 202) throw new Error(`send-batch answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return { ms, accepted: answer.body as Accepted };
}

/** Waits until the receiver has every one of `traceIds` (the patience grows with their number). */
export async function waitDelivered(pipeline: Pipeline, traceIds: ReadonlySet<string>): Promise<ReturnType<typeof deliveredOf>> {
  await until(`delivery of ${traceIds.size} messages`, () => deliveredOf(pipeline.receiver, traceIds).delivered >= traceIds.size, 60_000 + 20 * traceIds.size);
  return deliveredOf(pipeline.receiver, traceIds);
}

/** The anchor: the same rows through insertMessages on a connection of the bench's own, in a transaction rolled back. */
async function timeStatement(pipeline: Pipeline, recipients: number): Promise<number> {
  const client = await pipeline.pool.connect();
  try {
    await client.query('BEGIN');
    const started = performance.now();
    await insertMessages(client, {
      batchId: randomUUID(), templateId: pipeline.templateId, channel: 'app_webhook', priority: 5, hold: null, createdBy: null,
      traceIds: Array.from({ length: recipients }, () => randomUUID()), recipients: Array.from({ length: recipients }, (_, i) => `bench-anchor-${i}`),
      variables: Array.from({ length: recipients }, () => '{"n":"anchor"}'),
    });
    return performance.now() - started;
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
}

async function rowsOf(pipeline: Pipeline, accepted: Accepted): Promise<BatchAcceptResult['rows']> {
  const { rows: [row] } = await pipeline.pool.query<{ messages: number; traces: number; audit: number; keys: number }>(
    `SELECT (SELECT count(*)::int FROM dispatch.messages WHERE batch_id = $1) AS messages,
            (SELECT count(*)::int FROM dispatch.trace_events e JOIN dispatch.messages m ON m.id = e.message_id
              WHERE m.batch_id = $1 AND e.stage = 'queued') AS traces,
            (SELECT count(*)::int FROM auth.audit_log WHERE target_id = $1::text) AS audit,
            (SELECT count(*)::int FROM dispatch.idempotency_keys WHERE response_body->>'batchId' = $1::text) AS keys`, [accepted.batchId]);
  // the relay deletes an outbox row once its publish is confirmed: the count written is the queued count answered
  return { messages: row!.messages, outbox: accepted.queued, traceEvents: row!.traces, audit: row!.audit, idempotencyKeys: row!.keys };
}

export const batchAcceptStage: Stage<'batch-accept'> = {
  id: 'batch-accept',
  title: 'Batch intake: one POST /api/messages/send-batch of 10,000 recipients',
  async run(context) {
    const { options, log } = context;
    const load = os.loadavg();
    const pipeline = await startPipeline(context, 'batch');
    const all = new Set<string>();
    // warm-up, not counted: JIT, the pool's connections, the template cache
    const warm = await postBatch(pipeline, Math.min(options.batch, 500), 5);
    await waitDelivered(pipeline, new Set(warm.accepted.traceIds));
    const acceptMs: number[] = [];
    const statementMs: number[] = [];
    let last: Accepted | undefined;
    for (let run = 1; run <= options.batchRuns; run += 1) {
      statementMs.push(await timeStatement(pipeline, options.batch));
      const { ms, accepted } = await postBatch(pipeline, options.batch, 5);
      acceptMs.push(ms);
      last = accepted;
      const ids = new Set(accepted.traceIds);
      for (const id of ids) all.add(id);
      log(`  run ${run}: 202 after ${ms.toFixed(0)} ms (statement alone ${statementMs.at(-1)!.toFixed(0)} ms); waiting for its delivery`);
      // each request comes to an idle dispatcher: the next is timed once this one is delivered
      await waitDelivered(pipeline, ids);
    }
    const sorted = [...acceptMs].sort((a, b) => a - b);
    const { delivered, duplicated, absorbed } = deliveredOf(pipeline.receiver, all);
    return {
      recipients: options.batch, acceptMs, p50: percentile(sorted, 50), max: sorted.at(-1)!,
      statementP50: percentile([...statementMs].sort((a, b) => a - b), 50), rows: await rowsOf(pipeline, last!), delivered, duplicated, absorbed, retries: await retriesOf(pipeline, all), load,
    };
  },
  report: (result) => formatBatchAccept(result),
};

/** POST /api/messages/send, one recipient of its own per request, priorities spread over 0–10. */
function singleSender(pipeline: Pipeline, tag: string, traceIds: Set<string>) {
  return async (i: number): Promise<number> => {
    const answer = await pipeline.request('/api/messages/send', {
      body: { template_id: pipeline.templateId, recipient: `bench-${tag}-${i}`, variables: { n: String(i) }, priority: i % 11 },
    });
    if (answer.status === 202) traceIds.add((answer.body as { traceId: string }).traceId);
    return answer.status;
  };
}

/** Open-loop sends at `rate` for `seconds` after a warm-up second not counted; every accepted one is then delivered. */
export async function sendAtRate(pipeline: Pipeline, rate: number, seconds: number): Promise<{ load: OpenLoopResult; traceIds: Set<string> }> {
  const warmIds = new Set<string>();
  await openLoop({ rate, seconds: Math.min(1, seconds), send: singleSender(pipeline, `warm${randomUUID().slice(0, 6)}`, warmIds) });
  const traceIds = new Set<string>();
  const load = await openLoop({ rate, seconds, send: singleSender(pipeline, randomUUID().slice(0, 8), traceIds) });
  await waitDelivered(pipeline, new Set([...warmIds, ...traceIds]));
  return { load, traceIds };
}

export const singleSendStage: Stage<'single-send'> = {
  id: 'single-send',
  title: 'Single sends: POST /api/messages/send at a fixed rate, open loop, beside a bare Express hello',
  async run(context) {
    const { options, log } = context;
    const load = os.loadavg();
    const hello = await startHello();
    context.defer(() => hello.stop());
    const helloGet = async () => {
      const response = await fetch(`${hello.baseUrl}/hello`);
      await response.arrayBuffer();
      return response.status;
    };
    await openLoop({ rate: options.rate, seconds: Math.min(1, options.seconds), send: helloGet });
    const helloLoad = await openLoop({ rate: options.rate, seconds: options.seconds, send: helloGet });
    log(`  hello: p99 ${helloLoad.p99.toFixed(1)} ms at ${options.rate}/s`);
    const pipeline = await startPipeline(context, 'single');
    const { load: sendLoad, traceIds } = await sendAtRate(pipeline, options.rate, options.seconds);
    log(`  send: p99 ${sendLoad.p99.toFixed(1)} ms at ${options.rate}/s`);
    const { delivered, duplicated, absorbed } = deliveredOf(pipeline.receiver, traceIds);
    return { rate: options.rate, seconds: options.seconds, dispatcher: sendLoad, hello: helloLoad, delivered, duplicated, absorbed, retries: await retriesOf(pipeline, traceIds), load };
  },
  report: (result) => formatSingleSend(result),
};
