import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@doitcrm/kit';
import { createTestDatabase, type TestDatabase } from '@doitcrm/kit/testing';
import { generateSchool, writeArchiveFile } from '@doitcrm/demo-data';
import { importArchive } from '../src/domain/import-archive.ts';

// The read paths the services are built on, each with the index it must use. An index on chat.messages
// that none of them uses costs every import and serves nobody, so the last test fails on it.
const READ_PATHS: Array<{ name: string; sql: (sample: Sample) => string; index: string; settings?: string }> = [
  { name: 'a group chat, newest first', index: 'messages_room_time_idx',
    sql: (s) => `SELECT msgid FROM chat.messages WHERE room_id = '${s.roomId}' ORDER BY msgtime DESC LIMIT 50` },
  { name: 'what a person sent, newest first', index: 'messages_from_time_idx',
    sql: (s) => `SELECT msgid FROM chat.messages WHERE from_id = '${s.fromId}' ORDER BY msgtime DESC LIMIT 50` },
  { name: 'the whole timeline in a window', index: 'messages_time_idx',
    sql: (s) => `SELECT msgid FROM chat.messages WHERE msgtime >= '${s.recent}' ORDER BY msgtime DESC LIMIT 100` },
  { name: "the archive's seq high-water mark", index: 'messages_seq_idx', sql: () => 'SELECT max(seq) FROM chat.messages WHERE seq IS NOT NULL' },
  { name: "one import run's rows (the mapper's id extraction)", index: 'messages_import_run_idx',
    sql: () => 'SELECT DISTINCT from_id FROM chat.messages WHERE import_run_id = 2' }, // a later run, small next to the archive
  { name: "full-text search (the messages service's character bigrams)", index: 'messages_text_bigrams_idx',
    sql: () => "SELECT msgid FROM chat.messages WHERE insight.bigrams(insight.message_text(msgtype, payload)) @> insight.bigrams('退费投诉') LIMIT 30" },
  // as the search's bitmap statement runs it (search-repository.ts bitmapSearch: index scans off)
  { name: "a search's window of time, ANDed with a bigram", index: 'messages_time_brin_idx',
    settings: 'SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off',
    sql: (s) => `SELECT msgid FROM chat.messages WHERE msgtime >= '${s.recent}' AND insight.bigrams(insight.message_text(msgtype, payload)) @> ARRAY['老师'] ORDER BY msgtime DESC LIMIT 31` },
  { name: "a person's 1:1 messages received, newest first", index: 'messages_direct_to_time_idx',
    sql: (s) => `SELECT msgid FROM chat.messages WHERE room_id IS NULL AND to_ids[1] = '${s.fromId}' ORDER BY msgtime DESC LIMIT 50` },
  { name: 'one direction of a 1:1 conversation, newest first (the messages service)', index: 'messages_direct_pair_time_idx',
    sql: (s) => `SELECT msgid FROM chat.messages WHERE room_id IS NULL AND from_id = '${s.fromId}' AND to_ids[1] = '${s.silentMember}' ORDER BY msgtime DESC LIMIT 50` },
];

interface Sample { roomId: string; fromId: string; silentMember: string; recent: string }

let database: TestDatabase;
let client: pg.Client;
let sample: Sample;

function planText(plan: unknown): string {
  return JSON.stringify(plan);
}

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-etl-index-'));
  const file = path.join(dir, 'archive.jsonl');
  await writeArchiveFile(file, { messages: 20_000, school: generateSchool() });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  await importArchive({ filePath: file, conflict: 'skip', origin: 'bench', databaseUrl: database.url }, { pool, logger: createLogger({ service: 'test', level: 'silent' }) });
  await pool.end();
  fs.rmSync(dir, { recursive: true, force: true });
  await client.query('ANALYZE chat.messages');
  const { rows: [row] } = await client.query(`
    SELECT (SELECT room_id FROM chat.messages WHERE room_id IS NOT NULL GROUP BY room_id ORDER BY count(*) DESC LIMIT 1) AS room_id,
           (SELECT from_id FROM chat.messages GROUP BY from_id ORDER BY count(*) DESC OFFSET 20 LIMIT 1) AS from_id,
           (SELECT id FROM (SELECT unnest(to_ids) AS id FROM chat.messages) ids
              WHERE NOT EXISTS (SELECT 1 FROM chat.messages m WHERE m.from_id = ids.id) GROUP BY id ORDER BY count(*) LIMIT 1) AS silent,
           (SELECT max(msgtime) - interval '7 days' FROM chat.messages) AS recent`);
  sample = { roomId: row.room_id, fromId: row.from_id, silentMember: row.silent, recent: (row.recent as Date).toISOString() };
}, 180_000);
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe('indexes of chat.messages', () => {
  it.each(READ_PATHS)('when a service reads $name, then the plan uses $index', async ({ sql, index, settings }) => {
    await client.query('BEGIN');
    if (settings) await client.query(settings);
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql(sample)}`).finally(() => client.query('ROLLBACK'));

    expect(planText(rows[0]['QUERY PLAN'])).toContain(index);
  });

  it('when an import has finished, then the search index holds no pending entries that every search would read one by one', async () => {
    // gin_clean_pending_list answers how many pending pages it merged: none left means the import merged them
    const { rows } = await client.query(
      `SELECT gin_clean_pending_list('chat.messages_text_bigrams_idx'::regclass) AS pages`);

    expect(rows[0].pages).toBe(0);
  });

  it('when the table\'s indexes are listed, then each one serves a read path or the primary key', async () => {
    const { rows } = await client.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'chat' AND tablename = 'messages' ORDER BY indexname");

    const served = new Set(['messages_pkey', ...READ_PATHS.map((path) => path.index)]);
    expect(rows.map((row) => row.indexname).filter((name: string) => !served.has(name))).toEqual([]);
  });
});
