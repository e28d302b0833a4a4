import { describe, expect, it } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { feishuSyncConfigShape } from '../src/config.ts';
import { DEMO_FILE_NAME, seedDemoSync } from '../src/domain/demo-sync.ts';
import { connectionOf, fakeStudents, feishuEnv, useFeishuFake } from './feishu-fixture.ts';

const feishu = useFeishuFake();
const t = useTestService('feishu-sync-demo', feishuSyncConfigShape, { env: () => feishuEnv(feishu) });
const seed = () => seedDemoSync({ pool: t.context.pool, connection: connectionOf(t.context), logger: t.context.logger, batchSize: 500, maxUploadMb: 10 });

describe('the demo sync of npm start', () => {
  it('when the history is empty, then one export is uploaded and synced with the two bad cells of its bad row kept for the report; the next start adds nothing', async () => {
    const studentsBefore = fakeStudents(feishu).length;

    const runId = await seed();
    const again = await seed();

    expect(runId).not.toBeNull();
    expect(again).toBeNull();
    const { rows } = await t.context.pool.query(
      `SELECT r.state, r.counters, r.calls, u.file_name, jsonb_array_length(u.row_errors) AS bad FROM feishu.runs r JOIN feishu.uploads u ON u.id = r.upload_id`,
    );
    expect(rows).toEqual([{ state: 'succeeded', counters: expect.objectContaining({ studentsCreated: 5, recordsCreated: 6, rowErrors: 2 }), calls: expect.any(Number), file_name: DEMO_FILE_NAME, bad: 2 }]);
    expect(rows[0].calls).toBeGreaterThan(0);
    expect(fakeStudents(feishu).length).toBe(studentsBefore + 5);
  });
});
