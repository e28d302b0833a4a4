import { isFeishuError } from '@doitcrm/feishu';
import { ConflictError, maskPhone, NotFoundError, UnavailableError, type Queryable } from '@doitcrm/kit';
import { findUpload } from '../data-access/upload-repository.ts';
import type { FeishuConnection } from './feishu-connection.ts';
import { planSync, type PlannedRecord } from './plan-sync.ts';

const LISTED = 200;
const record = (r: PlannedRecord) => ({ userId: r.userId, course: r.course, studyDate: r.studyDate });

/** What a sync of this upload would do, read from Feishu now and written nowhere (a read failure is thrown, loudly). */
export async function dryRun(db: Queryable, connection: FeishuConnection, uploadId: number, batchSize: number) {
  const upload = await findUpload(db, uploadId);
  if (!upload) throw new NotFoundError(`没有这个上传文件（${uploadId}）`);
  const client = connection.newClient();
  const plan = await planSync(client, connection.tables, upload.rows, batchSize).catch((error: unknown) => { throw asHttpError(error); });
  return {
    uploadId,
    counts: {
      newStudents: plan.newStudents.length, changedStudents: plan.changedStudents.length, newRecords: plan.newRecords.length,
      skippedRecords: plan.skippedRecords.length, duplicateRows: plan.duplicateRows, rowErrors: upload.rowErrors.length,
    },
    newStudents: plan.newStudents.slice(0, LISTED).map((s) => ({ ...s, phone: maskPhone(s.phone) })),
    changedStudents: plan.changedStudents.slice(0, LISTED).map((s) => ({
      userId: s.userId,
      changes: [
        ...(s.after.nickname !== undefined ? [{ field: '昵称', before: s.before.nickname, after: s.after.nickname }] : []),
        ...(s.after.phone !== undefined ? [{ field: '手机号', before: maskPhone(s.before.phone), after: maskPhone(s.after.phone)! }] : []),
      ],
    })),
    newRecords: plan.newRecords.slice(0, LISTED).map(record),
    skippedRecords: plan.skippedRecords.slice(0, LISTED).map(record),
    reads: plan.reads,
    calls: client.calls.total,
  };
}

/**
 * A read that failed is the whole answer (a short table would make every student look new): Feishu's words, the page
 * it failed on and the records read before it; 503 when waiting may help, 409 when the setup must change.
 */
function asHttpError(error: unknown): unknown {
  if (!isFeishuError(error)) return error;
  const message = `预演失败，未写入任何数据：${error.message}`;
  return error.retryable || ['rate_limited', 'busy', 'timeout', 'server'].includes(error.kind) ? new UnavailableError(message, error) : new ConflictError(message);
}
