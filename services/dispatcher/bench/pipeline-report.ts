// The markdown of the pipeline's stages, in the style of report.ts: a line saying what was run and under what load,
// a table whose every figure has its anchor measured in the same run beside it, and the goal met or missed.
import os from 'node:os';
import type { EndToEndResult, QueueToSentResult } from './delivery.ts';
import type { BatchAcceptResult, SingleSendResult } from './intake.ts';
import type { OpenLoopResult } from './open-loop.ts';

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n >= 100 ? `${n.toFixed(0)} ms` : `${n.toFixed(1)} ms`);
const ratio = (n: number) => (Number.isFinite(n) && n > 0 ? `${n.toFixed(2)}×` : '—');
const goal = (met: boolean, text: string) => `${text} ${met ? '✓ met' : '✗ missed'}`;

/** The load the figures were measured under: a 2-core box shared with other work moves them. */
export const loadLine = (load: readonly number[]) =>
  `load average ${load.map((n) => n.toFixed(2)).join(' ')} at the stage's start, ${os.cpus().length} cores`;

export const BATCH_GOAL_MS = 1_000;
export const SINGLE_GOAL_P99_MS = 50;
export const END_TO_END_GOAL_PER_SECOND = 1_000;
export const QUEUE_TO_SENT_GOAL_P99_MS = 500;

export function formatBatchAccept(result: BatchAcceptResult): string {
  const { rows } = result;
  return [
    `${count(result.recipients)} recipients per request, an Idempotency-Key each, ${result.acceptMs.length} requests after a warm-up, each to an idle `
      + `dispatcher (the previous batch delivered); the anchor is the intake's INSERT statement alone on the same rows; ${loadLine(result.load)}`,
    '',
    '| measure | p50 | max | × statement alone | goal |',
    '|---|---:|---:|---:|---|',
    `| POST /api/messages/send-batch → 202 | ${ms(result.p50)} | ${ms(result.max)} | ${ratio(result.p50 / result.statementP50)} | ${goal(result.max < BATCH_GOAL_MS, '< 1 s')} |`,
    `| insertMessages alone (anchor) | ${ms(result.statementP50)} | — | 1.00× | — |`,
    '',
    `- rows one request wrote: ${count(rows.messages)} messages, ${count(rows.outbox)} outbox, ${count(rows.traceEvents)} trace events, `
      + `${count(rows.audit)} audit, ${count(rows.idempotencyKeys)} Idempotency-Key`,
    `- runs: ${result.acceptMs.map((n) => ms(n)).join(', ')}`,
    `- then delivered: ${count(result.delivered)} messages, ${count(result.duplicated)} delivered twice, ${absorbedText(result.absorbed, result.retries)}`,
  ].join('\n');
}

const absorbedText = (n: number, retries: number) =>
  `${count(n)} repeated calls absorbed by the receiver's X-Message-Id (sent at least once), ${count(retries)} retry trace events (a call failed or timed out)`;
const statusText = (run: OpenLoopResult) => Object.entries(run.statuses).map(([status, n]) => `${status === '0' ? 'no answer' : status} ×${count(n)}`).join(', ');

const latencyRow = (label: string, run: OpenLoopResult, anchor: OpenLoopResult | null, goalText: string) => {
  const errors = Object.entries(run.statuses).filter(([status]) => status !== '202' && status !== '200').reduce((sum, [, n]) => sum + n, 0);
  return `| ${label} | ${count(run.requests)} | ${count(run.achievedRate)} | ${ms(run.p50)} | ${ms(run.p95)} | ${ms(run.p99)} | ${ms(run.max)} | `
    + `${anchor ? ratio(run.p99 / anchor.p99) : '1.00×'} | ${count(errors)} | ${goalText} |`;
};

export function formatSingleSend(result: SingleSendResult): string {
  return [
    `${count(result.rate)} requests a second for ${result.seconds} s, open loop (each timed from its scheduled start: no coordinated omission), `
      + `after a warm-up second; one recipient per request, priorities 0–10; ${loadLine(result.load)}`,
    '',
    '| endpoint | requests | answered/s | p50 | p95 | p99 | max | p99 × hello | not 2xx | goal |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    latencyRow('GET /hello, bare Express (anchor)', result.hello, null, '—'),
    latencyRow('POST /api/messages/send → 202', result.dispatcher, result.hello, goal(result.dispatcher.p99 < SINGLE_GOAL_P99_MS, 'p99 < 50 ms')),
    '',
    `- the load generator was at most ${ms(Math.max(result.dispatcher.maxSendLagMs, result.hello.maxSendLagMs))} late with a request`,
    `- answers: hello ${statusText(result.hello)}; send ${statusText(result.dispatcher)}`,
    `- then delivered: ${count(result.delivered)} accepted messages, ${count(result.duplicated)} delivered twice, ${absorbedText(result.absorbed, result.retries)}`,
  ].join('\n');
}

export function formatEndToEnd(result: EndToEndResult): string {
  const notSent = Object.entries(result.notSent).map(([status, n]) => `${status} ${count(n)}`).join(', ') || 'none';
  return [
    `${count(result.messages)} messages in ${result.requests} send-batch requests to an app_webhook template, the receiver answering at once; `
      + `timed from the first request to the last delivery; the anchor is raw amqplib through one quorum queue (queue-choice stage); ${loadLine(result.load)}`,
    '',
    '| path | delivered msg/s | × raw quorum queue | delivered | lost | duplicated | goal |',
    '|---|---:|---:|---:|---:|---:|---|',
    `| intake → relay → tier queues → workers → fake | ${count(result.deliveredPerSecond)} | `
      + `${result.anchorPerSecond ? ratio(result.deliveredPerSecond / result.anchorPerSecond) : '— (queue-choice not run)'} | `
      + `${count(result.delivered)} | ${count(result.lost)} | ${count(result.duplicated)} | ${goal(result.deliveredPerSecond >= END_TO_END_GOAL_PER_SECOND, '≥ 1,000 msg/s')} |`,
    ...(result.anchorPerSecond ? [`| raw amqplib, one quorum queue (anchor) | ${count(result.anchorPerSecond)} | 1.00× | — | — | — | — |`] : []),
    '',
    `- ${absorbedText(result.absorbed, result.retries)}`,
    `- accepted in ${ms(result.acceptMs)}, delivered ${ms(result.throughMs)} after the first request; rows not sent at the end: ${notSent}`,
    `- a message's time, p50: ${ms(result.spans.toClaimMs)} from queued to a worker's claim (outbox, relay, queue), `
      + `${ms(result.spans.claimToSentMs)} from the claim to its sent row, of which ${ms(result.spans.callMs)} the provider call; `
      + `${result.perStatement.claim.toFixed(1)} messages per claim statement, ${result.perStatement.record.toFixed(1)} per outcome statement`,
    `- the dispatcher process used ${result.cpuMsPerMessage === null ? '— (no /proc)' : `${result.cpuMsPerMessage.toFixed(2)} ms`} of CPU per message `
      + `(at 1,000 msg/s that is ${result.cpuMsPerMessage === null ? '—' : `${(result.cpuMsPerMessage).toFixed(2)}`} of the box's ${os.cpus().length} cores); `
      + `PostgreSQL's backends for its database at least ${result.dbCpuMsPerMessage === null ? '— (no /proc)' : `${result.dbCpuMsPerMessage.toFixed(2)} ms`}`,
  ].join('\n');
}

export function formatQueueToSent(result: QueueToSentResult): string {
  const { offered } = result;
  return [
    `${count(offered.rate)} single sends a second offered for ${count(offered.requests / offered.rate)} s (open loop), `
      + `each timed from its \`queued\` to its \`sent\` trace event; the anchor is the provider call alone (the sent event's latencyMs); ${loadLine(result.load)}`,
    '',
    '| span | messages | p50 | p95 | p99 | max | p99 × provider call | goal |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    `| queued → sent | ${count(result.messages)} | ${ms(result.p50)} | ${ms(result.p95)} | ${ms(result.p99)} | ${ms(result.max)} | `
      + `${ratio(result.p99 / result.callP99)} | ${goal(result.p99 <= QUEUE_TO_SENT_GOAL_P99_MS, 'p99 ≤ 500 ms')} |`,
    `| provider call (anchor) | ${count(result.messages)} | — | — | ${ms(result.callP99)} | — | 1.00× | — |`,
    '',
    `- the acceptance meanwhile: p99 ${ms(offered.p99)}, ${count(offered.achievedRate)} answered a second`,
  ].join('\n');
}
