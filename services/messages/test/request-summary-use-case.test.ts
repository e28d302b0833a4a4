import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError, type Actor, type Broker } from '@doitcrm/kit';
import { useTestService } from '@doitcrm/kit/testing';
import type { MessagesSummarizeJob } from '@doitcrm/types';
import { messagesConfigShape } from '../src/config.ts';
import { findSummary } from '../src/data-access/summary-repository.ts';
import { requestSummary, SUMMARIZE_QUEUE } from '../src/domain/request-summary-use-case.ts';
import type { SummaryBots } from '../src/domain/summary-bots.ts';
import { createFamily, insertMessages, minutesBefore, text } from './chat-factory.ts';

// The use case is called as a queue consumer, a schedule or a CLI would call it: an Actor and plain values, no request.
const t = useTestService('messages', messagesConfigShape);

const actor: Actor = { userId: null, username: 'teacher.li', role: 'staff', ip: '10.1.2.3', userAgent: 'use-case test' };
const parentBotOnly = { client: null, botFor: (mode: string) => (mode === 'parent' ? 'bot-parent' : null) } as unknown as SummaryBots;

function capturingBroker() {
  const sent: Array<{ queue: string; payload: MessagesSummarizeJob }> = [];
  const broker = { sendJob: async (queue: string, payload: MessagesSummarizeJob) => { sent.push({ queue, payload }); } } as unknown as Broker;
  return { broker, sent };
}

const lastDay = () => ({ start: new Date(Date.now() - 86_400_000), end: new Date() });

describe('requestSummary', () => {
  it('when an actor asks about a person with messages and one without, then only the first is summarised and the summary, its job, the audit row and the message all say so', async () => {
    // Arrange
    const f = await createFamily(t.context.pool);
    await insertMessages(t.context.pool, [{ from: f.parent, to: [f.teacher], roomId: null, at: minutesBefore(new Date(), 30), ...text('请问明天几点上课') }]);
    const { broker, sent } = capturingBroker();

    // Act
    const created = await requestSummary({ pool: t.context.pool, broker, bots: parentBotOnly }, actor,
      { mode: 'parent', personIds: [f.parent, f.unmappedParent, f.parent], window: lastDay(), maxPerPerson: 50 });

    // Assert
    const summary = await findSummary(t.context.pool, created.summaryId);
    expect(summary).toMatchObject({ jobId: created.jobId, mode: 'parent', subjectIds: [f.parent], status: 'queued' });
    const { rows: audits } = await t.context.pool.query(
      "SELECT username, ip, details FROM auth.audit_log WHERE action = 'messages.summary.create' AND target_id = $1", [String(created.summaryId)]);
    expect(audits).toEqual([{ username: 'teacher.li', ip: '10.1.2.3', details: expect.objectContaining({ people: [f.parent], mode: 'parent' }) }]);
    expect(sent).toEqual([{ queue: SUMMARIZE_QUEUE, payload: { jobId: created.jobId, summaryId: created.summaryId, userId: null } }]);
  });

  it('when nobody asked about has messages in the window, or the mode has no bot, then it is refused naming the field and nothing is written or sent', async () => {
    // Arrange
    const f = await createFamily(t.context.pool);
    await insertMessages(t.context.pool, [{ from: f.parent, to: [f.teacher], roomId: null, at: minutesBefore(new Date(), 30), ...text('收到') }]);
    const { broker, sent } = capturingBroker();
    const deps = { pool: t.context.pool, broker, bots: parentBotOnly };
    const jobsBefore = (await t.context.pool.query("SELECT count(*)::int AS n FROM ops.jobs WHERE type = 'messages.summarize'")).rows[0].n;

    // Act
    const silent = await requestSummary(deps, actor, { mode: 'parent', personIds: [f.unmappedParent], window: lastDay(), maxPerPerson: 50 })
      .catch((error: unknown) => error);
    const noBot = await requestSummary(deps, actor, { mode: 'teacher', personIds: [f.parent], window: lastDay(), maxPerPerson: 50 })
      .catch((error: unknown) => error);

    // Assert
    expect(silent).toBeInstanceOf(ValidationError);
    expect((silent as ValidationError).details).toEqual([expect.objectContaining({ field: 'user_ids' })]);
    expect(noBot).toBeInstanceOf(ConflictError);
    expect((noBot as ConflictError).details).toEqual([expect.objectContaining({ field: 'mode' })]);
    expect((await t.context.pool.query("SELECT count(*)::int AS n FROM ops.jobs WHERE type = 'messages.summarize'")).rows[0].n).toBe(jobsBefore);
    expect(sent).toEqual([]);
  });
});
