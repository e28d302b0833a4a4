import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { prepared } from './db.ts';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', max: 1 });
afterAll(async () => {
  await pool.end();
});

describe('prepared statements named by their text', () => {
  it('when two texts are prepared on one connection, then each keeps its own statement and answers with its own values', async () => {
    const first = prepared('SELECT $1::int + 1 AS n', [1]);
    const second = prepared('SELECT $1::int * 10 AS n', [1]);
    expect(first.name).not.toBe(second.name);
    expect(prepared('SELECT $1::int + 1 AS n', [5]).name).toBe(first.name);
    // one connection: the second text must not reuse the first's statement
    for (let round = 0; round < 3; round += 1) {
      expect((await pool.query(prepared('SELECT $1::int + 1 AS n', [round]))).rows).toEqual([{ n: round + 1 }]);
      expect((await pool.query(prepared('SELECT $1::int * 10 AS n', [round]))).rows).toEqual([{ n: round * 10 }]);
    }
  });
});
