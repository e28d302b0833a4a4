import { toCsv, withAdvisoryLock, type Logger, type Pool } from '@doitcrm/kit';
import { finishRun, insertRun } from '../data-access/run-repository.ts';
import { acceptUpload } from './accept-upload.ts';
import type { FeishuConnection } from './feishu-connection.ts';
import { SYNC_LOCK } from './rollback-run.ts';
import { runSync } from './run-sync.ts';

/** Made-up students (1990000xxxx numbers, as the demo data uses) and one row with two bad cells, so the error report has lines. */
const DEMO_ROWS = [
  ...['安安', '乐乐', '朵朵', '豆豆', '果果'].map((nickname, i) => ({
    userId: `u_demo_nvc_${i + 1}`, nickname, phone: `1990000${String(5100 + i)}`, course: '非暴力沟通入门课', studyDate: `2025-09-${String(i + 1).padStart(2, '0')}`,
  })),
  { userId: 'u_demo_nvc_1', nickname: '安安', phone: '19900005100', course: '亲子沟通工作坊', studyDate: '2025/10/8' },
  { userId: 'u_demo_nvc_6', nickname: '小错', phone: '12345', course: '非暴力沟通入门课', studyDate: '下周' },
];

export const DEMO_FILE_NAME = '演示-小鹅通导出.csv';

/**
 * `npm start`'s demo against the Bitable fake: when the history is empty, one export is uploaded and synced, so the page
 * opens on a run with counts, calls and an error report. Returns the run's id, or null when there was history already.
 */
export async function seedDemoSync(deps: { pool: Pool; connection: FeishuConnection; logger: Pick<Logger, 'info' | 'warn'>; batchSize: number; maxUploadMb: number }): Promise<number | null> {
  const outcome = await withAdvisoryLock(deps.pool, SYNC_LOCK, async () => {
    const { rows } = await deps.pool.query('SELECT 1 FROM feishu.runs LIMIT 1');
    if (rows.length > 0) return null;
    const csv = toCsv(DEMO_ROWS, [
      { header: '用户ID', value: (r) => r.userId }, { header: '昵称', value: (r) => r.nickname }, { header: '手机号', value: (r) => r.phone },
      { header: '课程', value: (r) => r.course }, { header: '学习日期', value: (r) => r.studyDate },
    ]);
    const upload = await acceptUpload(deps.pool, { bytes: Buffer.from(csv, 'utf8'), fileName: DEMO_FILE_NAME, userId: null }, deps.maxUploadMb);
    const run = await insertRun(deps.pool, { uploadId: upload.uploadId, jobId: null, createdBy: null });
    const client = deps.connection.newClient();
    try {
      await runSync({ pool: deps.pool, client, tables: deps.connection.tables, logger: deps.logger, batchSize: deps.batchSize }, run.id);
      await finishRun(deps.pool, run.id, { state: 'succeeded' });
    } catch (error) {
      await finishRun(deps.pool, run.id, { state: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
    return run.id;
  }, { wait: true });
  return outcome.acquired ? outcome.value : null;
}
