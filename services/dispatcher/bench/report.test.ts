// The dispatcher benchmark's arithmetic and its decision, on figures made up for each case.
import { describe, expect, it } from 'vitest';
import type { OvertakingResult, OvertakingRow } from './overtaking.ts';
import { summarizeRuns, type QueueChoiceResult, type ThroughputRun } from './queue-choice.ts';
import { chooseDesign, formatOvertaking, formatQueueChoice } from './report.ts';

const run = (design: ThroughputRun['design'], throughMs: number): ThroughputRun =>
  ({ design, published: 1_000, consumed: { [`anchor.${design}`]: 1_000 }, publishMs: throughMs / 2, throughMs });

const overtakingRow = (design: OvertakingRow['design'], overtaken: number): OvertakingRow => ({
  design, label: design, backlog: 1_000, finishedBefore: 100, finishedMeanwhile: 900 - overtaken, overtaken, latencyMs: 5, consumed: 1_001, drainPerSecond: 900,
});

const overtaking = (tiers: number, priority4: number): OvertakingResult => ({
  backlog: 1_000, concurrency: 32, serviceMs: 1,
  rows: [overtakingRow('quorum', 0), overtakingRow('tiers', tiers), overtakingRow('priority4', priority4)],
});

/** queue-choice figures where both anchors run at 10,000 msg/s and the tier and priority queues at the rates given */
const queueChoice = (tiers: number, priority4: number): QueueChoiceResult => ({
  messages: 1_000, bytes: 195, prefetch: 100, confirmBatch: 100, rounds: 1,
  rows: summarizeRuns([run('classic', 100), run('quorum', 100), run('tiers', 1_000_000 / tiers), run('priority4', 1_000_000 / priority4)]),
});

describe('summarizeRuns', () => {
  it('when a design ran several rounds, then its median round is kept and its ratio is taken to the median of the anchor of its own queue type', () => {
    const rows = summarizeRuns([
      run('classic', 200), run('classic', 100), run('classic', 900),
      run('quorum', 50), run('quorum', 50), run('quorum', 50),
      run('tiers', 100), run('tiers', 300), run('tiers', 100),
      run('priority4', 400), run('priority4', 400), run('priority4', 400),
    ]);
    expect(rows.map((row) => [row.design, row.throughMs])).toEqual([['classic', 200], ['quorum', 50], ['tiers', 100], ['priority4', 400]]);
    expect(rows.find((row) => row.design === 'classic')).toMatchObject({ throughPerSecond: 5_000, publishPerSecond: 10_000, ratio: 1 });
    expect(rows.find((row) => row.design === 'tiers')?.ratio).toBeCloseTo(0.5);
    expect(rows.find((row) => row.design === 'priority4')?.ratio).toBeCloseTo(0.5);
  });
});

describe('chooseDesign', () => {
  it('when both designs overtake within the budget for priorities, then the quorum tier queues are chosen for their guarantees, even a little slower', () => {
    const decision = chooseDesign(overtaking(890, 895), queueChoice(6_000, 7_000));
    expect(decision.design).toBe('tiers');
    expect(decision.reasons.join('\n')).toContain('chosen over a classic priority queue');
  });

  it('when the tier queues cost more than half the rate of their anchor and the priority queue does not, then the priority queue is chosen', () => {
    const decision = chooseDesign(overtaking(890, 895), queueChoice(4_000, 6_000));
    expect(decision.design).toBe('priority4');
    expect(decision.reasons).toContain('tiers costs more than the issue allows priorities (below 0.50× the plain queue of its type)');
  });

  it('when the tier queues leave the urgent message behind most of the backlog, then the priority queue is chosen', () => {
    expect(chooseDesign(overtaking(500, 895), queueChoice(9_000, 6_000)).design).toBe('priority4');
  });

  it('when neither design overtakes, then none is chosen and the run says it decides nothing', () => {
    const decision = chooseDesign(overtaking(10, 20), queueChoice(9_000, 6_000));
    expect(decision.design).toBeNull();
    expect(decision.reasons.at(-1)).toContain('decides nothing');
  });

  it('when both designs cost more than the budget, then the queue guarantees decide', () => {
    const decision = chooseDesign(overtaking(890, 895), queueChoice(1_000, 1_900));
    expect(decision.design).toBe('tiers');
    expect(decision.reasons.join('\n')).toContain('the queue guarantees decide');
  });

  it('when the throughput stage did not run, then overtaking and the guarantees decide, and the reasons say so', () => {
    const decision = chooseDesign(overtaking(890, 895), undefined);
    expect(decision.design).toBe('tiers');
    expect(decision.reasons.join('\n')).toContain('throughput was not measured');
  });
});

describe('the markdown', () => {
  it('prints one table row per design with the ratio to its anchor, and the decision with its reasons', () => {
    const choice = queueChoice(5_000, 6_000);
    const lines = formatQueueChoice(choice).split('\n');
    expect(lines.filter((line) => line.startsWith('| '))).toHaveLength(1 + choice.rows.length);
    expect(lines.find((line) => line.startsWith('| four tier'))).toBe('| four tier quorum queues (topology.ts) | quorum | 10,000 | 5,000 | 0.50× | tiers 1,000 |');

    const result = overtaking(890, 895);
    const decision = chooseDesign(result, choice);
    const text = formatOvertaking(result, decision);
    expect(text.split('\n').filter((line) => /^\| (quorum|tiers|priority4) \|/u.test(line))).toHaveLength(3);
    expect(text).toContain('**Decision: four tier quorum queues (topology.ts)**');
    expect(text.split('\n').filter((line) => line.startsWith('- '))).toHaveLength(decision.reasons.length);
  });
});
