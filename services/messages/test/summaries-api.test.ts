import http from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCozeFake, type StartedCozeFake } from '@doitcrm/fakes';
import { createTestUser, loginCookie, useTestApp, waitFor } from '@doitcrm/kit/testing';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape } from '../src/config.ts';
import type { SummaryRecord } from '../src/contract.ts';
import { createSummaryBots } from '../src/domain/summary-bots.ts';
import { createSummaryRoutes } from '../src/entry-points/api/summary-routes.ts';
import { startSummarizeConsumer } from '../src/entry-points/queue/summarize-consumer.ts';
import { createFamily, insertMessages, minutesBefore, text, type Family } from './chat-factory.ts';

let coze: StartedCozeFake;
let bots: ReturnType<typeof createSummaryBots>;
let server: http.Server;

beforeAll(async () => {
  coze = await startCozeFake({ stream: { deltaDelayMs: 40, chunkSize: 3 } });
});
afterAll(async () => {
  await coze?.close();
});
const t = useTestApp('messages', messagesConfigShape, (context) => createMessagesApp(context, [createSummaryRoutes(context, bots)]), {
  roles: ['staff', 'viewer'],
  env: () => ({ COZE_BASE_URL: coze.url, COZE_API_TOKEN: coze.token, COZE_PARENT_BOT_ID: coze.parentBotId, COZE_TEACHER_BOT_ID: coze.teacherBotId }),
  async prepare(context) {
    bots = createSummaryBots({ ...context.config }, context.logger);
    await startSummarizeConsumer(context, bots);
  },
});
beforeAll(() => {
  server = http.createServer(t.app).listen(0, '127.0.0.1');
});
afterEach(() => coze.fake.clearInjections());
afterAll(() => {
  server?.close();
});

const base = new Date(Date.now() - 86_400_000);

async function familyWithMessages(): Promise<Family> {
  const f = await createFamily(t.context.pool);
  await insertMessages(t.context.pool, [
    { from: f.parent, to: [f.teacher], roomId: f.room, at: minutesBefore(base, 30), ...text('孩子最近作业有点难') },
    { from: f.parent, to: [f.teacher], roomId: null, at: minutesBefore(base, 20), ...text('想问一下退费流程') },
  ]);
  return f;
}

/** Reads an SSE stream until it ends; returns the data of every event of that name. */
async function readEvents<T>(path: string, event: string, cookie = t.cookies.staff): Promise<T[]> {
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { Cookie: cookie } });
  const body = await response.text();
  return body.split('\n\n').filter((block) => block.startsWith(`event: ${event}\n`))
    .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as T);
}

const waitForSummary = (id: number) => waitFor(`summary ${id} to finish`,
  async () => (await supertest(t.app).get(`/api/summaries/${id}`).set('Cookie', t.cookies.staff)).body as SummaryRecord,
  { timeoutMs: 10_000, intervalMs: 50, until: (summary) => summary.status === 'succeeded' || summary.status === 'failed' });

describe('AI summaries', () => {
  it('when a cohort summary is requested, then its text streams over the audited summary stream and is saved with its inputs', async () => {
    const f = await familyWithMessages();
    const created = await supertest(t.app).post('/api/summaries').set('Cookie', t.cookies.staff)
      .send({ user_ids: [f.parent, 'wmNOBODY'], mode: 'parent' }).expect(202);
    const events = (await readEvents<SummaryRecord>(`/api/summaries/${created.body.summaryId}/events`, 'summary'))
      .map((event) => ({ status: event.status, message: event.summary }));
    const summary = await waitForSummary(created.body.summaryId);
    expect(summary).toMatchObject({
      status: 'succeeded', mode: 'parent', subjectIds: [f.parent], subjectNames: [`${f.studentName}妈妈`], messageCount: 2,
      botId: coze.parentBotId, maxPerPerson: 100,
    });
    expect(summary.summary).toContain('【模拟家长沟通总结】');
    expect(summary.durationMs).toBeGreaterThan(0);
    const partials = events.filter((event) => event.status === 'running' && event.message);
    expect(partials.length).toBeGreaterThan(0);
    for (const partial of partials) expect(summary.summary!.startsWith(partial.message!)).toBe(true);
    expect(partials.some((partial) => partial.message!.length < summary.summary!.length)).toBe(true);
    expect(events[events.length - 1]).toMatchObject({ status: 'succeeded', message: summary.summary });

    const sent = coze.fake.requests.filter((request) => request.endpoint === 'chat').pop()!.body as { additional_messages: Array<{ content: string }>; auto_save_history: boolean };
    expect(sent.additional_messages[0]!.content).toContain('想问一下退费流程');
    expect(sent.auto_save_history).toBe(false);
    const history = await supertest(t.app).get(`/api/summaries?user_id=${f.parent}`).set('Cookie', t.cookies.staff).expect(200);
    expect(history.body.items.map((item: SummaryRecord) => item.id)).toEqual([summary.id]);
    const { rows } = await t.context.pool.query(
      "SELECT action FROM auth.audit_log WHERE service = 'messages' AND (target_id = $1 OR details->'people' ? $2) ORDER BY id", [String(summary.id), f.parent]);
    expect(rows.map((row) => row.action)).toEqual(expect.arrayContaining(['messages.summary.create', 'messages.summary.view']));
    const live = await t.context.pool.query("SELECT 1 FROM auth.audit_log WHERE action = 'messages.summary.view' AND target_id = $1 AND details->>'live' = 'true'", [String(summary.id)]);
    expect(live.rows).toHaveLength(1);
  });

  it('when the teacher mode is chosen, then the teacher bot answers', async () => {
    const f = await familyWithMessages();
    const created = await supertest(t.app).post('/api/summaries').set('Cookie', t.cookies.staff).send({ user_ids: [f.parent], mode: 'teacher' }).expect(202);
    const summary = await waitForSummary(created.body.summaryId);
    expect(summary).toMatchObject({ status: 'succeeded', botId: coze.teacherBotId });
    expect(summary.summary).toContain('老师沟通');
  });

  it.each([
    ['invalid_token', 4100],
    ['no_permission', 4101],
    ['chat_failed', null],
  ] as const)('when Coze answers %s, then the summary fails with Coze\'s explanation', async (kind, code) => {
    const f = await familyWithMessages();
    coze.fake.inject({ kind });
    const created = await supertest(t.app).post('/api/summaries').set('Cookie', t.cookies.staff).send({ user_ids: [f.parent] }).expect(202);
    const summary = await waitForSummary(created.body.summaryId);
    expect(summary.status).toBe('failed');
    if (code) expect(summary.error).toContain(String(code));
    expect(summary.error).toBeTruthy();
    const job = await supertest(t.app).get(`/api/jobs/${created.body.jobId}`).set('Cookie', t.cookies.staff).expect(200);
    expect(job.body).toMatchObject({ status: 'failed', error: summary.error });
  });

  it.each(['rate_limited', 'busy'] as const)('when Coze answers %s once, then the client retries and the summary still succeeds', async (kind) => {
    const f = await familyWithMessages();
    coze.fake.inject({ kind, times: 1 });
    const created = await supertest(t.app).post('/api/summaries').set('Cookie', t.cookies.staff).send({ user_ids: [f.parent] }).expect(202);
    expect((await waitForSummary(created.body.summaryId)).status).toBe('succeeded');
  }, 30_000);

  it('when nobody selected has messages in the window, then 400 names user_ids and nothing is queued', async () => {
    const f = await createFamily(t.context.pool);
    const response = await supertest(t.app).post('/api/summaries').set('Cookie', t.cookies.staff).send({ user_ids: [f.parent] });
    expect(response.status).toBe(400);
    expect(response.body.details[0].field).toBe('user_ids');
  });

  it('when a viewer asks for a summary, then 403, and without a session 401', async () => {
    const f = await familyWithMessages();
    expect((await supertest(t.app).post('/api/summaries').set('Cookie', t.cookies.viewer).send({ user_ids: [f.parent] })).status).toBe(403);
    expect((await supertest(t.app).post('/api/summaries').send({ user_ids: [f.parent] })).status).toBe(401);
  });
});

describe('AI summaries and the job routes, played by a hostile user', () => {
  it('when a summary has run, then neither its job row nor any progress published in Redis carries its text', async () => {
    const f = await familyWithMessages();
    const published: string[] = [];
    // channels ignore key prefixes; a subscribed connection can do nothing else, hence a connection of its own
    const listener = t.context.redis.duplicate({ keyPrefix: '' });
    await listener.psubscribe(`${t.context.config.REDIS_PREFIX}jobs:*`);
    listener.on('pmessage', (_pattern: string, _channel: string, message: string) => published.push(message));
    try {
      const created = await supertest(t.app).post('/api/summaries').set('Cookie', t.cookies.staff).send({ user_ids: [f.parent] }).expect(202);
      const jobEvents = await readEvents<Record<string, unknown>>(`/api/jobs/${created.body.jobId}/events`, 'job');
      const summary = await waitForSummary(created.body.summaryId);
      const { rows: [row] } = await t.context.pool.query('SELECT message, result::text, error, params::text FROM ops.jobs WHERE id = $1', [created.body.jobId]);

      const text = summary.summary!;
      expect(summary.status).toBe('succeeded');
      // a line of the bot's answer, long enough that it cannot turn up by chance
      const fragment = text.split('\n').find((line) => line.length >= 8)!;
      expect(fragment).toBeTruthy();
      expect(published.length).toBeGreaterThan(1);
      for (const stored of [...Object.values(row as Record<string, string | null>), ...published, JSON.stringify(jobEvents)]) {
        expect(stored ?? '').not.toContain(fragment);
        expect(stored ?? '').not.toContain('【模拟');
      }
      expect(row).toMatchObject({ message: '总结完成', error: null });
      expect(jobEvents.at(-1)).toMatchObject({ status: 'succeeded', result: { summaryId: summary.id } });
    } finally {
      listener.disconnect();
    }
  });

  it('when a viewer lists summary jobs, asks for one or follows its stream, then 404 as for a missing job; staff get the job', async () => {
    const f = await familyWithMessages();
    const created = await supertest(t.app).post('/api/summaries').set('Cookie', t.cookies.staff).send({ user_ids: [f.parent] }).expect(202);
    await waitForSummary(created.body.summaryId);

    const list = await supertest(t.app).get('/api/jobs?type=messages.summarize').set('Cookie', t.cookies.viewer);
    const byId = await supertest(t.app).get(`/api/jobs/${created.body.jobId}`).set('Cookie', t.cookies.viewer);
    const stream = await supertest(t.app).get(`/api/jobs/${created.body.jobId}/events`).set('Cookie', t.cookies.viewer);
    const asStaff = await supertest(t.app).get(`/api/jobs/${created.body.jobId}`).set('Cookie', t.cookies.staff);

    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(created.body.jobId);
    expect(byId.status).toBe(404);
    expect(stream.status).toBe(404);
    expect(stream.headers['content-type']).toContain('application/json');
    expect(asStaff.status).toBe(200);
    expect(asStaff.body).toMatchObject({ id: created.body.jobId, type: 'messages.summarize', status: 'succeeded' });
  });
});

describe('AI summaries without Coze', () => {
  it('when Coze is not configured, then the status says so and a request is refused with the settings to add', async () => {
    const plain = createMessagesApp(t.context, [createSummaryRoutes(t.context, null)]);
    const cookie = await loginCookie(plain, (await createTestUser(t.context, 'staff')).username);
    const status = await supertest(plain).get('/api/summaries/status').set('Cookie', cookie).expect(200);
    expect(status.body).toEqual({ enabled: false, message: expect.stringContaining('COZE_API_TOKEN') });
    const refused = await supertest(plain).post('/api/summaries').set('Cookie', cookie).send({ user_ids: ['wmX'] });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('COZE_BASE_URL');
  });
});
