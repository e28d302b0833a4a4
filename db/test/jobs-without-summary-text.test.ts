import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@doitcrm/kit/testing';
import { migrationsDir } from '../src/index.ts';

const MIGRATION = '1764000010000_jobs-without-summary-text.sql';
const SUMMARY_TEXT = '【家长沟通总结】王小明妈妈担心作业太难';

// one connection, like the single client these tests were written with
const t = useTestDatabase({ max: 1 });

/** The migration's up step, run again on rows written the way the old summary worker wrote them. */
function upStep(): string {
  const sql = fs.readFileSync(path.join(migrationsDir, MIGRATION), 'utf8');
  return sql.slice(0, sql.indexOf('-- Down Migration'));
}

async function job(type: string, status: string, message: string | null, error: string | null = null): Promise<string> {
  const { rows } = await t.pool.query<{ id: string }>(
    `INSERT INTO ops.jobs (id, type, status, message, error, result) VALUES (gen_random_uuid(), $1, $2, $3, $4, '{"summaryId": 1}') RETURNING id`,
    [type, status, message, error]);
  return rows[0]!.id;
}

describe(MIGRATION, () => {
  it('when summary jobs of the old worker hold the text in their message, then it is removed and other jobs are left alone', async () => {
    const succeeded = await job('messages.summarize', 'succeeded', SUMMARY_TEXT);
    const running = await job('messages.summarize', 'running', SUMMARY_TEXT.slice(0, 10));
    const failed = await job('messages.summarize', 'failed', SUMMARY_TEXT.slice(0, 12), 'Coze 4100: token 无效');
    const importJob = await job('etl.import', 'succeeded', '导入完成：新增 3，更新 0，未变 0，隔离 0');

    await t.pool.query(upStep());

    const { rows } = await t.pool.query<{ id: string; message: string | null; error: string | null; result: unknown }>(
      'SELECT id, message, error, result FROM ops.jobs WHERE id = ANY($1::uuid[])', [[succeeded, running, failed, importJob]]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(succeeded)).toMatchObject({ message: '总结完成', result: { summaryId: 1 } });
    expect(byId.get(running)).toMatchObject({ message: null });
    expect(byId.get(failed)).toMatchObject({ message: null, error: 'Coze 4100: token 无效' });
    expect(byId.get(importJob)).toMatchObject({ message: '导入完成：新增 3，更新 0，未变 0，隔离 0' });
    const leftover = await t.pool.query("SELECT count(*)::int AS n FROM ops.jobs WHERE message LIKE '%王小明%'");
    expect(leftover.rows[0].n).toBe(0);
  });
});
