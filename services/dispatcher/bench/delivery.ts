// The sending stages: the whole way from the intake through the outbox relay, the tier queues and the channel
// workers to a provider that answers at once (the app-webhook receiver fake, which counts each X-Message-Id), as
// delivered messages a second with nothing lost or sent twice; and at a steady 500 messages a second offered, how
// long a message takes from queued to sent, read from dispatch.trace_events (the two events' `at`).
import os from 'node:os';
import { percentile } from '@doitcrm/kit/testing';
import { MAX_BATCH_RECIPIENTS } from '../src/entry-points/api/schemas.ts';
import { postBatch, sendAtRate } from './intake.ts';
import type { OpenLoopResult } from './open-loop.ts';
import { backendCpuMs, backendCpuSpent, cpuMsOf, deliveredOf, retriesOf, startPipeline, until } from './pipeline.ts';
import { formatEndToEnd, formatQueueToSent } from './pipeline-report.ts';
import type { Stage } from './stages.ts';

export interface EndToEndResult {
  messages: number;
  requests: number;
  /** from the first request's start to its last 202 */
  acceptMs: number;
  /** from the first request's start to the last delivery the receiver took */
  throughMs: number;
  deliveredPerSecond: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** repeated calls the receiver absorbed by X-Message-Id (the dispatcher sends at least once; not duplicates) */
  absorbed: number;
  /** retry trace events of these messages: provider calls that failed or timed out */
  retries: number;
  /** rows not `sent` once every delivery was in (should be none) */
  notSent: Record<string, number>;
  /** where a message's time went, p50 over the messages: queued → claimed by a worker → sent written, and the provider call */
  spans: { toClaimMs: number; claimToSentMs: number; callMs: number };
  /**
   * messages per claim statement and per outcome statement: one statement's trace events share its transaction's
   * now(), so the distinct `at` of the processing and the sent events count the statements (the workers' batching)
   */
  perStatement: { claim: number; record: number };
  /** CPU the dispatcher process used per message delivered, from the first request to the last delivery (null off Linux) */
  cpuMsPerMessage: number | null;
  /** CPU the database's backends used per message delivered over the same span (a lower bound: backendCpuMs) */
  dbCpuMsPerMessage: number | null;
  /** the queue-choice stage's raw amqplib quorum queue in this run, when it ran */
  anchorPerSecond: number | null;
  load: number[];
}

export interface QueueToSentResult {
  offered: OpenLoopResult;
  messages: number;
  /** queued → sent, from the trace events */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** the anchor: the provider call alone (the sent event's latencyMs), p99 */
  callP99: number;
  load: number[];
}

/** Priorities of the successive requests: every tier queue carries part of the load. */
const REQUEST_PRIORITIES = [1, 4, 7, 9];

export const endToEndStage: Stage<'end-to-end'> = {
  id: 'end-to-end',
  title: 'End to end: send-batch → outbox relay → tier queues → channel workers → provider fake',
  async run(context) {
    const { options, log, earlier } = context;
    const load = os.loadavg();
    const pipeline = await startPipeline(context, 'e2e');
    // warm-up, not counted
    const warm = await postBatch(pipeline, 200, 5);
    await until('the warm-up delivery', () => deliveredOf(pipeline.receiver, new Set(warm.accepted.traceIds)).delivered === 200, 60_000);

    const traceIds = new Set<string>();
    let requests = 0;
    const cpuBefore = cpuMsOf(pipeline.service.child.pid);
    const dbCpuBefore = await backendCpuMs(pipeline.pool);
    const started = performance.now();
    for (let sent = 0; sent < options.messages; sent += MAX_BATCH_RECIPIENTS) {
      const { accepted } = await postBatch(pipeline, Math.min(MAX_BATCH_RECIPIENTS, options.messages - sent), REQUEST_PRIORITIES[requests % REQUEST_PRIORITIES.length]!);
      for (const id of accepted.traceIds) traceIds.add(id);
      requests += 1;
    }
    const acceptMs = performance.now() - started;
    log(`  ${traceIds.size} messages accepted in ${requests} requests after ${acceptMs.toFixed(0)} ms; waiting for their delivery`);
    let lastCount = 0;
    let lastProgress = performance.now();
    // done when all are in; stalled (nothing new for 30 s) counts the missing ones lost rather than waiting forever
    await until('end-to-end delivery', () => {
      const { delivered } = deliveredOf(pipeline.receiver, traceIds);
      if (delivered > lastCount) [lastCount, lastProgress] = [delivered, performance.now()];
      return delivered >= traceIds.size || performance.now() - lastProgress > 30_000;
    }, 600_000);
    const cpuAfter = cpuMsOf(pipeline.service.child.pid);
    const dbCpu = backendCpuSpent(dbCpuBefore, await backendCpuMs(pipeline.pool));
    const lastDelivery = pipeline.receiver.deliveries.all().reduce((latest, delivery) => Math.max(latest, delivery.at), 0);
    // the fake stamps deliveries with Date.now(): carry the start over to that clock
    const throughMs = lastDelivery - (Date.now() - (performance.now() - started));
    // a short settle: a repeat still on its way would show now
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { delivered, duplicated, absorbed } = deliveredOf(pipeline.receiver, traceIds);
    await until('the sent rows written', async () => {
      const { rows: [row] } = await pipeline.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM dispatch.messages WHERE trace_id = ANY($1::uuid[]) AND status = 'sent'", [[...traceIds]]);
      return row!.n >= delivered;
    }, 30_000).catch(() => {});
    const { rows } = await pipeline.pool.query<{ status: string; n: number }>(
      "SELECT status, count(*)::int AS n FROM dispatch.messages WHERE trace_id = ANY($1::uuid[]) AND status <> 'sent' GROUP BY 1", [[...traceIds]]);
    const { rows: [spans] } = await pipeline.pool.query<EndToEndResult['spans'] & EndToEndResult['perStatement']>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.at - q.at) * 1000) AS "toClaimMs",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.at - p.at) * 1000) AS "claimToSentMs",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY (s.detail->>'latencyMs')::float) AS "callMs",
              count(*)::float / count(DISTINCT p.at) AS claim, count(*)::float / count(DISTINCT s.at) AS record
       FROM dispatch.trace_events q
       JOIN dispatch.trace_events p ON p.message_id = q.message_id AND p.stage = 'processing'
       JOIN dispatch.trace_events s ON s.message_id = q.message_id AND s.stage = 'sent'
       WHERE q.stage = 'queued' AND q.trace_id = ANY($1::uuid[])`, [[...traceIds]]);
    const anchor = earlier['queue-choice']?.rows.find((row) => row.design === 'quorum');
    return {
      cpuMsPerMessage: cpuBefore === null || cpuAfter === null || delivered === 0 ? null : (cpuAfter - cpuBefore) / delivered,
      dbCpuMsPerMessage: dbCpu === null || delivered === 0 ? null : dbCpu / delivered,
      perStatement: { claim: Number(spans!.claim), record: Number(spans!.record) },
      spans: { toClaimMs: Number(spans!.toClaimMs), claimToSentMs: Number(spans!.claimToSentMs), callMs: Number(spans!.callMs) },
      messages: traceIds.size, requests, acceptMs, throughMs, deliveredPerSecond: delivered / (throughMs / 1000),
      delivered, lost: traceIds.size - delivered, duplicated, absorbed, retries: await retriesOf(pipeline, traceIds), notSent: Object.fromEntries(rows.map((row) => [row.status, row.n])),
      anchorPerSecond: anchor ? anchor.throughPerSecond : null, load,
    };
  },
  report: (result) => formatEndToEnd(result),
};

export const queueToSentStage: Stage<'queue-to-sent'> = {
  id: 'queue-to-sent',
  title: 'Queued to sent: single sends offered at a fixed rate, timed by their trace events',
  async run(context) {
    const { options, log } = context;
    const load = os.loadavg();
    const pipeline = await startPipeline(context, 'latency');
    const { load: offered, traceIds } = await sendAtRate(pipeline, options.rate, options.seconds);
    log(`  ${traceIds.size} accepted at ${options.rate}/s; reading their trace events`);
    const query = () => pipeline.pool.query<{ ms: number; call: number | null }>(
      `SELECT extract(epoch FROM s.at - q.at) * 1000 AS ms, (s.detail->>'latencyMs')::float AS call
       FROM dispatch.trace_events q JOIN dispatch.trace_events s ON s.message_id = q.message_id AND s.stage = 'sent'
       WHERE q.stage = 'queued' AND q.trace_id = ANY($1::uuid[])`, [[...traceIds]]);
    // the sent event is written a few ms after the provider answered (the workers write outcomes in groups)
    await until('the sent trace events', async () => (await query()).rows.length >= traceIds.size, 30_000);
    const { rows } = await query();
    const ms = rows.map((row) => Number(row.ms)).sort((a, b) => a - b);
    const calls = rows.map((row) => Number(row.call ?? 0)).sort((a, b) => a - b);
    return {
      offered, messages: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: ms.at(-1)!,
      callP99: percentile(calls, 99), load,
    };
  },
  report: (result) => formatQueueToSent(result),
};
