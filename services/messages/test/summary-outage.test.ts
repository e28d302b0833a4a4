import supertest from 'supertest';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCozeFake, type StartedCozeFake } from '@doitcrm/fakes';
import { sleep, useTestApp, waitFor } from '@doitcrm/kit/testing';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape } from '../src/config.ts';
import type { SummaryRecord } from '../src/contract.ts';
import { createSummaryBots } from '../src/domain/summary-bots.ts';
import { createSummaryRoutes } from '../src/entry-points/api/summary-routes.ts';
import { startSummarizeConsumer } from '../src/entry-points/queue/summarize-consumer.ts';
import { createFamily, insertMessages, minutesBefore, text } from './chat-factory.ts';

let coze: StartedCozeFake;
let bots: ReturnType<typeof createSummaryBots>;

beforeAll(async () => {
  // a slow answer: time to stand in the way of the write that stores it
  coze = await startCozeFake({ stream: { deltaDelayMs: 150, chunkSize: 2 } });
});
afterAll(async () => {
  await coze?.close();
});
const t = useTestApp('messages', messagesConfigShape, (context) => createMessagesApp(context, [createSummaryRoutes(context, bots)]), {
  roles: ['staff'],
  env: () => ({ COZE_BASE_URL: coze.url, COZE_API_TOKEN: coze.token, COZE_PARENT_BOT_ID: coze.parentBotId, COZE_TEACHER_BOT_ID: coze.teacherBotId }),
  async prepare(context) {
    bots = createSummaryBots({ ...context.config }, context.logger);
    await startSummarizeConsumer(context, bots);
  },
});

const until = <T>(what: string, probe: () => Promise<T>) => waitFor(what, probe, { timeoutMs: 30_000, intervalMs: 25 });

describe('an AI summary when PostgreSQL goes away after Coze answered', () => {
  it('when the connection storing the answer is dropped, then the answer is stored once PostgreSQL is back and Coze is not asked again', async () => {
    const f = await createFamily(t.context.pool);
    const base = new Date(Date.now() - 86_400_000);
    await insertMessages(t.context.pool, [{ from: f.parent, to: [f.teacher], roomId: null, at: minutesBefore(base, 20), ...text('想问一下退费流程') }]);
    const chatsBefore = coze.fake.requests.filter((request) => request.endpoint === 'chat').length;
    // a session of our own holds the summaries table, so the write of the answer waits where we can cut it
    const blocker = new pg.Client({ connectionString: t.context.config.DATABASE_URL });
    await blocker.connect();
    try {
      const created = await supertest(t.app).post('/api/summaries').set('Cookie', t.cookies.staff).send({ user_ids: [f.parent], mode: 'parent' }).expect(202);
      await until('Coze asked', async () => coze.fake.requests.filter((request) => request.endpoint === 'chat').length > chatsBefore);
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE insight.summaries IN EXCLUSIVE MODE');
      // (asked outside the blocker's transaction: pg_stat_activity is a snapshot per transaction)
      const waiting = await until('the answer\'s write waiting', async () => (await t.context.pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
           AND query ILIKE 'UPDATE insight.summaries%'`)).rows[0]);

      // Act: that connection dies (a PostgreSQL restart, as far as the service can tell), then the table frees
      await t.context.pool.query('SELECT pg_terminate_backend($1)', [waiting.pid]);
      await sleep(300);
      await blocker.query('COMMIT');

      const summary = await until('the summary finished', async () => {
        const body = (await supertest(t.app).get(`/api/summaries/${created.body.summaryId}`).set('Cookie', t.cookies.staff)).body as SummaryRecord;
        return body.status === 'succeeded' || body.status === 'failed' ? body : null;
      });
      await sleep(1_000);

      expect(summary.status).toBe('succeeded');
      expect(summary.summary).toBeTruthy();
      expect(coze.fake.requests.filter((request) => request.endpoint === 'chat').length - chatsBefore).toBe(1);
      const { rows: [job] } = await t.context.pool.query('SELECT status FROM ops.jobs WHERE id = $1', [created.body.jobId]);
      expect(job.status).toBe('succeeded');
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
      await blocker.end();
    }
  });
});
