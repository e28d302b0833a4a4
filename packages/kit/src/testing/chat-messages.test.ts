import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPool, type Pool } from '../db.ts';
import { insertChatMessages, textMessage } from './chat-messages.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ databaseUrl: database.url });
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

const rowsOf = async (msgids: string[]) => (await pool.query(
  `SELECT msgid, action, msgtype, msgtime, from_id, room_id, to_ids, payload, recalled_by, import_run_id::int AS run_id
   FROM chat.messages WHERE msgid = ANY($1) ORDER BY array_position($1, msgid)`, [msgids])).rows;

describe('insertChatMessages', () => {
  test('when a message gives only sender and time, then it is a sent text with an empty payload, no recipients and a prefixed unique msgid', async () => {
    const at = new Date('2025-03-01T02:00:00Z');
    const msgids = await insertChatMessages(pool, [{ from: 'wmA', at }, { from: 'wmB', at: '2025-03-01T03:00:00Z' }], { msgidPrefix: 'KIT' });

    expect(msgids).toHaveLength(2);
    expect(msgids[0]).toMatch(/^KIT[0-9a-f]{10}$/);
    expect(msgids[0]).not.toBe(msgids[1]);
    expect(await rowsOf(msgids)).toEqual([
      { msgid: msgids[0], action: 'send', msgtype: 'text', msgtime: at, from_id: 'wmA', room_id: null, to_ids: [], payload: {}, recalled_by: null, run_id: null },
      expect.objectContaining({ msgid: msgids[1], from_id: 'wmB', msgtime: new Date('2025-03-01T03:00:00Z') }),
    ]);
  });

  test('when a message gives room, recipients, run, recall and body, then each lands in its column, and a revoke is written as a recall', async () => {
    const msgids = await insertChatMessages(pool, [
      { from: 'wmA', to: ['t1', 't2'], roomId: 'wr1', at: new Date('2025-03-01T02:00:00Z'), runId: 7, recalledBy: 'wmA', ...textMessage('你好') },
      { from: 'wmA', at: new Date('2025-03-01T02:01:00Z'), msgtype: 'revoke', payload: null },
    ], { payload: { content: 'default' } });

    const [sent, revoke] = await rowsOf(msgids);
    expect(sent).toMatchObject({ action: 'send', to_ids: ['t1', 't2'], room_id: 'wr1', run_id: 7, recalled_by: 'wmA', payload: { content: '你好' } });
    expect(revoke).toMatchObject({ action: 'recall', msgtype: 'revoke', payload: null });
  });

  test('when defaults give a payload, then the messages without one carry it', async () => {
    const [msgid] = await insertChatMessages(pool, [{ from: 'wmA', at: new Date() }], { payload: { content: 'hello' } });
    expect((await rowsOf([msgid!]))[0].payload).toEqual({ content: 'hello' });
  });
});
