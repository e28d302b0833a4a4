// The feishu bench end to end on a tiny size, on a test database, the real Redis and the fake over HTTP: its counts
// add up and its table is whole. Speed is not asserted here (the box is shared); `npm run bench:feishu` measures it.
import { describe, expect, it } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { feishuSyncConfigShape } from '../src/config.ts';
import { runFeishuBench, type FeishuBenchResult } from './feishu-bench.ts';

const t = useTestService('feishu-sync-bench', feishuSyncConfigShape);
const options = { rows: 1_200, students: 400, existing: 1_000, writeMs: 5 };

describe('npm run bench:feishu', () => {
  let result: FeishuBenchResult;

  it('when run on a tiny size, then the first sync makes exactly the least calls, creates every row once and the re-run writes nothing', async () => {
    result = await runFeishuBench(options, { pool: t.context.pool, redis: t.context.redis, log: () => {} });

    // token, one search page per empty table, 1 students batch, 3 records batches, 1 link-cell batch
    expect(result.firstSync.minimum).toBe(1 + 2 + 1 + 3 + 1);
    expect(result.firstSync.calls).toBe(result.firstSync.minimum);
    expect(result.firstSync.byEndpoint).toEqual({ tenant_access_token: 1, records_search: 2, records_batch_create: 4, records_batch_update: 1 });
    expect(result.firstSync).toMatchObject({ studentsCreated: 400, recordsCreated: 1_200, studentsInFake: 400, recordsInFake: 1_200, rateLimited: 0 });
    // 4 creates and 1 update at 10/s, 2 searches at 20/s; the token endpoint has no limit
    expect(result.firstSync.anchorMs).toBe(5 * 100 + 2 * 50);
    expect(result.firstSync.floorMs).toBe(4 * 100);
    expect(result.rerun).toMatchObject({ writes: 0, recordsSkipped: 1_200 });
  }, 120_000);

  it('when the dry run reads a seeded base, then it reads every page once, finds what the seed holds and writes nothing', () => {
    const { dryRun } = result;
    expect(dryRun.seeded).toMatchObject({ students: 200, records: 1_000 });
    expect(dryRun.pages).toBe(1 + 2);
    expect(dryRun.byEndpoint).toEqual({ tenant_access_token: 1, records_search: 3 });
    expect(dryRun.counts).toMatchObject({ newStudents: 200, skippedRecords: dryRun.seeded.presentOfExport, newRecords: 1_200 - dryRun.seeded.presentOfExport });
    expect(dryRun.seeded.presentOfExport).toBeGreaterThan(0);
  });

  it('when the run ends, then the table has its four measures, each with its goal and a verdict', () => {
    const rows = result.markdown.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| measure'));
    expect(rows).toHaveLength(4);
    for (const line of rows) expect(line).toMatch(/✓ met|✗ missed/u);
    expect(result.markdown).not.toMatch(/NaN|undefined|Infinity/u);
    expect(result.markdown).toMatch(/load average \d+\.\d\d/u);
  });
});
