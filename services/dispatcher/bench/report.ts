// The pure part of the dispatcher benchmark: its markdown tables and the design decision drawn from the figures.
import { DESIGNS } from './designs.ts';
import type { OvertakingDesign, OvertakingResult, OvertakingRow } from './overtaking.ts';
import type { QueueChoiceResult } from './queue-choice.ts';

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n >= 100 ? `${n.toFixed(0)} ms` : `${n.toFixed(1)} ms`);
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '—');
/** `dispatch.sms.t0` → `t0`, `anchor.quorum` → `quorum`: the table names the design already */
const shortQueue = (name: string) => name.slice(name.lastIndexOf('.') + 1);

export function formatQueueChoice(result: QueueChoiceResult): string {
  const lines = [
    `${count(result.messages)} messages of ${result.bytes} bytes per case, confirms every ${result.confirmBatch}, prefetch ${result.prefetch} per queue, `
      + `ack per message; median of ${result.rounds} round${result.rounds === 1 ? '' : 's'}`,
    '',
    '| design | queue type | publish msg/s | through msg/s | × anchor of its type | consumed per queue |',
    '|---|---|---:|---:|---:|---|',
  ];
  for (const row of result.rows) {
    const consumed = Object.entries(row.consumed).map(([queue, n]) => `${shortQueue(queue)} ${count(n)}`).join(', ');
    lines.push(`| ${row.label} | ${row.queueType} | ${count(row.publishPerSecond)} | ${count(row.throughPerSecond)} | ${ratio(row.ratio)} | ${consumed} |`);
  }
  return lines.join('\n');
}

/** The share of the waiting backlog an urgent message must pass to count as overtaking it. */
export const OVERTAKE_SHARE = 0.9;

const waiting = (row: OvertakingRow) => row.backlog - row.finishedBefore;
export const overtook = (row: OvertakingRow) => row.overtaken >= OVERTAKE_SHARE * waiting(row);

export interface Decision {
  design: Exclude<OvertakingDesign, 'quorum'> | null;
  reasons: string[];
}

const GUARANTEES = 'quorum queues are replicated, dead-letter at least once and stop a poison message at a delivery limit; '
  + 'a priority queue must be classic, which has none of these';

/** The D3: priorities may cost at most half the rate of a plain queue of the same type. */
export const MIN_RATIO = 0.5;

/**
 * The design the dispatcher uses. It must let the urgent message overtake (pass ≥ 90 % of what was waiting); of
 * those that do, the ones within the budget for priorities (≥ 0.5× the plain queue of their type, both
 * measured in the same run, so a loaded box does not decide); of those, a quorum design before a classic one (the
 * issue's 0 lost rests on the queue's guarantees), then the one with the better ratio.
 */
export function chooseDesign(result: OvertakingResult, queueChoice: QueueChoiceResult | undefined): Decision {
  const reasons: string[] = [];
  const plain = result.rows.find((row) => row.design === 'quorum');
  if (plain) {
    reasons.push(`without priorities (one plain quorum queue) the urgent message was done ${ms(plain.latencyMs)} after its publish, `
      + `${count(plain.finishedMeanwhile)} backlog messages finishing first`);
  }
  const throughput = (design: OvertakingDesign) => queueChoice?.rows.find((row) => row.design === design);
  const candidates = result.rows.filter((row) => row.design !== 'quorum');
  for (const row of candidates) {
    const share = waiting(row) > 0 ? (100 * row.overtaken) / waiting(row) : 0;
    const rate = throughput(row.design);
    reasons.push(`${row.design}: ${overtook(row) ? 'overtook' : 'did not overtake'} ${count(row.overtaken)} of the ${count(waiting(row))} waiting `
      + `(${share.toFixed(1)} %), done ${ms(row.latencyMs)} after its publish`
      + (rate ? `; ${count(rate.throughPerSecond)} msg/s through, ${ratio(rate.ratio)} its ${rate.queueType} anchor` : ''));
  }
  const overtaking = candidates.filter(overtook);
  if (overtaking.length === 0) {
    return { design: null, reasons: [...reasons, 'no design let the urgent message overtake the backlog: this run decides nothing (is the prefetch bounded?)'] };
  }
  const ratioOf = (row: OvertakingRow) => throughput(row.design)?.ratio ?? 0;
  const quorumFirst = (rows: OvertakingRow[]) => {
    const quorum = rows.filter((row) => DESIGNS[row.design].queueType === 'quorum');
    if (quorum.length > 0 && quorum.length < rows.length) reasons.push(`chosen over a classic priority queue: ${GUARANTEES}`);
    return [...(quorum.length > 0 ? quorum : rows)].sort((a, b) => ratioOf(b) - ratioOf(a))[0]!;
  };
  let chosen: OvertakingRow;
  if (!queueChoice) {
    reasons.push('throughput was not measured in this run (the queue-choice stage did not run): decided on overtaking and the queue guarantees only');
    chosen = quorumFirst(overtaking);
  } else {
    const withinBudget = overtaking.filter((row) => ratioOf(row) >= MIN_RATIO);
    for (const row of overtaking.filter((one) => !withinBudget.includes(one))) {
      reasons.push(`${row.design} costs more than the issue allows priorities (below ${ratio(MIN_RATIO)} the plain queue of its type)`);
    }
    if (withinBudget.length === 0) reasons.push('no overtaking design is within that budget: the queue guarantees decide');
    chosen = quorumFirst(withinBudget.length > 0 ? withinBudget : overtaking);
  }
  return { design: chosen.design as Decision['design'], reasons };
}

export function formatOvertaking(result: OvertakingResult, decision: Decision): string {
  const plain = result.rows.find((row) => row.design === 'quorum');
  const lines = [
    `backlog of ${count(result.backlog)} priority-1 messages, then one priority-9; the consumer works ${result.serviceMs} ms per message, `
      + `${result.concurrency} at once per queue (prefetch); timed from the urgent message's publish to the end of its work`,
    '',
    '| design | urgent message done after | × plain queue | backlog done meanwhile | backlog overtaken | drain msg/s | consumed |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of result.rows) {
    lines.push(`| ${row.label.replace(' (anchor)', ', no priority (anchor)')} | ${ms(row.latencyMs)} | ${plain ? ratio(row.latencyMs / plain.latencyMs) : '—'} | `
      + `${count(row.finishedMeanwhile)} | ${count(row.overtaken)} | ${count(row.drainPerSecond)} | ${count(row.consumed)} |`);
  }
  lines.push('', `**Decision: ${decision.design ? DESIGNS[decision.design].label : 'none'}**`, '');
  for (const reason of decision.reasons) lines.push(`- ${reason}`);
  return lines.join('\n');
}
