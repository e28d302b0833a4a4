import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { baseConfigShape } from '@doitcrm/kit';
import { useTestService, waitFor } from '@doitcrm/kit/testing';
import { extractIds, extractWholeArchive } from '../src/domain/extract-ids.ts';
import { catchUpMissedRuns, startChatIngestedConsumer } from '../src/entry-points/queue/chat-ingested-consumer.ts';
import { insertMessages, nextRunId, testIds } from './chat-factory.ts';

let pool: pg.Pool;
const timezone = 'Asia/Shanghai';

const t = useTestService('mapper', baseConfigShape, {
  async prepare(context) {
    pool = context.pool;
    await startChatIngestedConsumer(context);
  },
});

async function identity(originalId: string) {
  const { rows } = await pool.query('SELECT * FROM crm.identities WHERE original_id = $1', [originalId]);
  return rows[0];
}

type Query = (...args: unknown[]) => Promise<pg.QueryResult>;

/** A pool of one connection that calls `seen` before each statement reading chat.messages, on that connection. */
function poolSeeingMessageReads(seen: (sql: string, query: Query) => Promise<void>): pg.Pool {
  const single = new pg.Pool({ connectionString: t.context.config.DATABASE_URL, max: 1 });
  const connect = single.connect.bind(single);
  (single as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
    const client = await connect();
    const query = client.query.bind(client) as Query;
    (client as { query: unknown }).query = async (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('FROM chat.messages')) await seen(args[0], query);
      return query(...args);
    };
    return client;
  };
  return single;
}

describe('id extraction', () => {
  it('when an import brings group and 1:1 messages, then the room, senders and every recipient become mappings with their kind', async () => {
    const ids = testIds();
    const runId = nextRunId();
    await insertMessages(pool, [
      { from: ids.teacher, to: [ids.parent, ids.silentParent, ids.wecomParent, ids.bot], roomId: ids.room, at: new Date('2025-03-01T02:00:00Z'), runId },
      { from: ids.parent, to: [ids.teacher], roomId: null, at: new Date('2025-03-01T03:00:00Z'), runId },
    ]);

    const result = await extractIds(pool, { runId }, { timezone });

    expect(result).toMatchObject({ seenIds: 6, newIds: 6, applied: true });
    const kinds = Object.fromEntries(await Promise.all(Object.values(ids).map(async (id) => [id, (await identity(id)).id_kind])));
    expect(kinds).toEqual({
      [ids.room]: 'customer_group', [ids.parent]: 'external_wechat', [ids.silentParent]: 'external_wechat',
      [ids.wecomParent]: 'external_wecom', [ids.teacher]: 'staff', [ids.bot]: 'bot',
    });
    expect((await identity(ids.room)).id_type).toBe('room_id');
  });

  it('when a mapped id appears again, then its name, role and notes stay and only its seen window widens', async () => {
    const ids = testIds();
    await pool.query(
      `INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, user_role, notes, wecom_nickname, first_seen_at, last_seen_at)
       VALUES ('user_id', $1, 'external_wechat', '王小明妈妈', 'parent', '只在周末回复', '小明妈', '2025-01-05T00:00:00Z', '2025-01-05T00:00:00Z')`, [ids.parent]);
    const runId = nextRunId();
    await insertMessages(pool, [{ from: ids.parent, to: [ids.teacher], roomId: null, at: new Date('2025-06-01T01:00:00Z'), runId }]);

    await extractIds(pool, { runId }, { timezone });

    const row = await identity(ids.parent);
    expect(row).toMatchObject({ business_name: '王小明妈妈', user_role: 'parent', notes: '只在周末回复', wecom_nickname: '小明妈' });
    expect((row.first_seen_at as Date).toISOString()).toBe('2025-01-05T00:00:00.000Z');
    expect((row.last_seen_at as Date).toISOString()).toBe('2025-06-01T01:00:00.000Z');
  });

  it('when the same run is handled twice (a redelivered event), then the second pass changes nothing', async () => {
    const ids = testIds();
    const runId = nextRunId();
    await insertMessages(pool, [{ from: ids.teacher, to: [ids.parent], roomId: ids.room, at: new Date('2025-04-02T05:00:00Z'), runId }]);
    await extractIds(pool, { runId }, { timezone });
    const before = await pool.query('SELECT * FROM crm.identity_activity WHERE original_id = ANY($1) ORDER BY original_id', [[ids.teacher, ids.parent]]);

    const again = await extractIds(pool, { runId }, { timezone });

    const after = await pool.query('SELECT * FROM crm.identity_activity WHERE original_id = ANY($1) ORDER BY original_id', [[ids.teacher, ids.parent]]);
    expect(again.applied).toBe(false);
    expect(after.rows).toEqual(before.rows);
  });

  it('when messages fall around midnight, then activity is counted per Beijing day, per room, with 1:1 chats under room NULL', async () => {
    const ids = testIds();
    const runId = nextRunId();
    await insertMessages(pool, [
      // 2025-05-01 23:30 Beijing and 2025-05-02 00:30 Beijing
      { from: ids.parent, to: [ids.teacher], roomId: ids.room, at: new Date('2025-05-01T15:30:00Z'), runId },
      { from: ids.parent, to: [ids.teacher], roomId: ids.room, at: new Date('2025-05-01T16:30:00Z'), runId },
      { from: ids.teacher, to: [ids.parent], roomId: null, at: new Date('2025-05-01T16:40:00Z'), runId },
    ]);

    await extractIds(pool, { runId }, { timezone });

    const { rows } = await pool.query(
      'SELECT room_id, day::text, sent, received FROM crm.identity_activity WHERE original_id = $1 ORDER BY day, room_id NULLS FIRST', [ids.parent]);
    expect(rows).toEqual([
      { room_id: ids.room, day: '2025-05-01', sent: 1, received: 0 },
      { room_id: null, day: '2025-05-02', sent: 0, received: 1 },
      { room_id: ids.room, day: '2025-05-02', sent: 1, received: 0 },
    ]);
  });

  it('when chat.ingested is published, then the consumer extracts that run', async () => {
    const ids = testIds();
    const runId = nextRunId();
    await insertMessages(pool, [{ from: ids.parent, to: [ids.teacher], roomId: ids.room, at: new Date('2025-07-01T02:00:00Z'), runId }]);

    await t.context.broker.publishEvent('chat.ingested', { runId, inserted: 1, updated: 0, minMsgtime: null, maxMsgtime: null });

    await waitFor(`the identity of ${ids.parent}`, () => identity(ids.parent), { timeoutMs: 10_000, intervalMs: 50 });
    expect(await identity(ids.parent)).toMatchObject({ id_kind: 'external_wechat', id_type: 'user_id' });
    const { rows } = await pool.query('SELECT new_ids FROM crm.extracted_runs WHERE run_id = $1', [runId]);
    expect(rows[0].new_ids).toBe(3);
  });

  it('when runs arrive over days and old days are re-imported, then the kept totals equal a fold of all activity', async () => {
    const ids = testIds();
    const people = [ids.teacher, ids.parent, ids.silentParent];
    const first = nextRunId();
    await insertMessages(pool, [
      { from: ids.teacher, to: [ids.parent, ids.silentParent], roomId: ids.room, at: new Date('2025-09-01T02:00:00Z'), runId: first },
      { from: ids.parent, to: [ids.teacher], roomId: null, at: new Date('2025-09-01T03:00:00Z'), runId: first },
    ]);
    await extractIds(pool, { runId: first }, { timezone });
    // a later run with a new day, and a message of the first day that arrived late
    const second = nextRunId();
    await insertMessages(pool, [
      { from: ids.parent, to: [ids.teacher, ids.silentParent], roomId: ids.room, at: new Date('2025-09-03T02:00:00Z'), runId: second },
      { from: ids.teacher, to: [ids.parent], roomId: null, at: new Date('2025-09-01T09:00:00Z'), runId: second },
    ]);
    await extractIds(pool, { runId: second }, { timezone });
    await extractIds(pool, { all: true }, { timezone });

    const kept = await pool.query(
      `SELECT original_id, room_id, sent, received, last_at FROM crm.identity_room_totals WHERE original_id = ANY($1)
       ORDER BY original_id, room_id NULLS FIRST`, [people]);
    const folded = await pool.query(
      `SELECT original_id, room_id, sum(sent)::int AS sent, sum(received)::int AS received, max(last_at) AS last_at FROM crm.identity_activity
       WHERE original_id = ANY($1) GROUP BY original_id, room_id ORDER BY original_id, room_id NULLS FIRST`, [people]);
    expect(kept.rows).toEqual(folded.rows);
    expect(kept.rows.find((row) => row.original_id === ids.parent && row.room_id === null)).toMatchObject({ sent: 1, received: 1 });
    const { rows: [totals] } = await pool.query('SELECT sent, received, last_room_id FROM crm.identity_totals WHERE original_id = $1', [ids.parent]);
    expect(totals).toEqual({ sent: 2, received: 2, last_room_id: ids.room });
    const { rows: [room] } = await pool.query('SELECT member_count, message_count FROM crm.room_stats WHERE room_id = $1', [ids.room]);
    expect(room).toEqual({ member_count: 3, message_count: 2 });
  });

  it('when an import run was never announced (its event came before the queue existed), then the mapper catches it up on start, once', async () => {
    const ids = testIds();
    const { rows: [run] } = await pool.query<{ id: string }>(
      "INSERT INTO chat.import_runs (source, origin, conflict_mode, status) VALUES ('missed.jsonl', 'demo', 'skip', 'succeeded') RETURNING id");
    const runId = Number(run!.id);
    await insertMessages(pool, [{ from: ids.parent, to: [ids.teacher], roomId: ids.room, at: new Date('2025-10-01T02:00:00Z'), runId }]);

    await catchUpMissedRuns(t.context);
    const second = await catchUpMissedRuns(t.context);

    expect(await identity(ids.parent)).toMatchObject({ id_kind: 'external_wechat' });
    const { rows } = await pool.query('SELECT new_ids FROM crm.extracted_runs WHERE run_id = $1', [runId]);
    expect(rows).toEqual([{ new_ids: 3 }]);
    expect(second).toBe(0);
  });

  it('when the whole archive has been extracted, then the runs it read are not extracted again by the next start\'s catch-up', async () => {
    const ids = testIds();
    const { rows: [run] } = await pool.query<{ id: string }>(
      "INSERT INTO chat.import_runs (source, origin, conflict_mode, status) VALUES ('covered.jsonl', 'demo', 'skip', 'succeeded') RETURNING id");
    const runId = Number(run!.id);
    await insertMessages(pool, [{ from: ids.parent, to: [ids.teacher], roomId: ids.room, at: new Date('2025-10-05T02:00:00Z'), runId }]);

    await extractWholeArchive(pool, { timezone }, async () => {});
    const caughtUp = await catchUpMissedRuns(t.context);

    expect(caughtUp).toBe(0);
    expect(await identity(ids.parent)).toMatchObject({ id_kind: 'external_wechat' });
    const { rows } = await pool.query('SELECT run_id FROM crm.extracted_runs WHERE run_id = $1', [runId]);
    expect(rows).toHaveLength(1);
  });

  it('when extraction is asked for the whole archive, then messages of any run (or none) are covered', async () => {
    const ids = testIds();
    await insertMessages(pool, [{ from: ids.teacher, to: [ids.silentParent], roomId: ids.room, at: new Date('2025-08-01T02:00:00Z'), runId: null }]);

    const result = await extractIds(pool, { all: true }, { timezone });

    expect(result.applied).toBe(true);
    expect(await identity(ids.silentParent)).toMatchObject({ id_kind: 'external_wechat' });
  });

  it('when ids are extracted, then the grouping runs with 64 MB of work_mem and the connection gets its own setting back after', async () => {
    const ids = testIds();
    const runId = nextRunId();
    await insertMessages(pool, [{ from: ids.teacher, to: [ids.parent], roomId: ids.room, at: new Date('2025-09-01T02:00:00Z'), runId }]);
    const during: string[] = [];
    // the work_mem each statement that reads chat.messages runs with, asked on the same connection just before it
    const single = poolSeeingMessageReads(async (_, query) => { during.push((await query('SHOW work_mem')).rows[0].work_mem); });
    const workMem = async () => {
      const client = await single.connect();
      try {
        return (await client.query('SHOW work_mem')).rows[0].work_mem as string;
      } finally {
        client.release();
      }
    };
    try {
      const before = await workMem();
      await extractIds(single, { runId }, { timezone });
      const after = await workMem();

      expect(during.length).toBeGreaterThan(0);
      expect(new Set(during)).toEqual(new Set(['64MB']));
      expect(after).toBe(before);
    } finally {
      await single.end();
    }
  });

  it('when a month of the whole archive is extracted, then chat.messages is read by one statement that yields both the activity and the ids', async () => {
    const ids = testIds();
    await insertMessages(pool, [
      { from: ids.teacher, to: [ids.parent, ids.silentParent], roomId: ids.room, at: new Date('2024-04-03T02:00:00Z'), runId: nextRunId() },
      { from: ids.parent, to: [ids.teacher], roomId: null, at: new Date('2024-04-20T03:00:00Z'), runId: nextRunId() },
    ]);
    const reads: string[] = [];
    const single = poolSeeingMessageReads(async (sql) => { reads.push(sql); });
    try {
      // at 10M messages a month is ~770k rows: each read of it is seconds
      const result = await extractIds(single, { days: { fromDay: '2024-04-01', toDay: '2024-04-30' }, timezone }, { timezone });

      expect(reads).toHaveLength(1);
      expect(result).toMatchObject({ seenIds: 4, activityRows: 5 });
      expect((await identity(ids.silentParent)).first_seen_at).toEqual(new Date('2024-04-03T02:00:00Z'));
      expect((await identity(ids.room)).last_seen_at).toEqual(new Date('2024-04-03T02:00:00Z'));
      expect((await identity(ids.parent)).last_seen_at).toEqual(new Date('2024-04-20T03:00:00Z'));
    } finally {
      await single.end();
    }
  });

  it('when the same messages are extracted a second time, then no identity row is rewritten', async () => {
    const ids = testIds();
    const runId = nextRunId();
    await insertMessages(pool, [{ from: ids.teacher, to: [ids.parent], roomId: ids.room, at: new Date('2025-11-02T02:00:00Z'), runId }]);
    await extractIds(pool, { runId }, { timezone });
    // xmin is the transaction that wrote the row version: an UPDATE, even to equal values, gives a new one
    const versions = () => pool.query('SELECT original_id, xmin::text FROM crm.identities WHERE original_id = ANY($1) ORDER BY original_id',
      [[ids.teacher, ids.parent, ids.room]]);
    const before = await versions();

    await extractIds(pool, { all: true }, { timezone });

    expect(before.rows).toHaveLength(3);
    expect((await versions()).rows).toEqual(before.rows);
  });

  it('when the same days are extracted again, then no per-chat total is rewritten, and one whose days changed moves once to the right count', async () => {
    const ids = testIds();
    const at = new Date('2023-02-10T02:00:00Z');
    await insertMessages(pool, [{ from: ids.teacher, to: [ids.parent], roomId: ids.room, at, runId: nextRunId() }]);
    const days = { fromDay: '2023-02-01', toDay: '2023-02-28' };
    await extractIds(pool, { days, timezone }, { timezone });
    const totals = () => pool.query<{ original_id: string; sent: number; received: number; xmin: string }>(
      'SELECT original_id, sent, received, xmin::text FROM crm.identity_room_totals WHERE original_id = ANY($1) ORDER BY original_id',
      [[ids.teacher, ids.parent]]);
    const before = (await totals()).rows;

    await extractIds(pool, { days, timezone }, { timezone });
    const unchanged = (await totals()).rows;
    await insertMessages(pool, [{ from: ids.teacher, to: [ids.parent], roomId: ids.room, at: new Date('2023-02-11T02:00:00Z'), runId: nextRunId() }]);
    await extractIds(pool, { days, timezone }, { timezone });
    const moved = (await totals()).rows;

    expect(before).toHaveLength(2);
    expect(unchanged).toEqual(before);
    const teacher = moved.find((row) => row.original_id === ids.teacher)!;
    expect(teacher).toMatchObject({ sent: 2, received: 0 });
    expect(teacher.xmin).not.toBe(before.find((row) => row.original_id === ids.teacher)!.xmin);
    expect(moved.find((row) => row.original_id === ids.parent)).toMatchObject({ sent: 0, received: 2 });
  });
});
