import { chunkClientToken, isFeishuError, mergeLinkCell, writeCell, type FeishuClient } from '@doitcrm/feishu';
import type { Logger, Pool } from '@doitcrm/kit';
import { createdRecords, recordCreated, rememberBefore } from '../data-access/record-map-repository.ts';
import { findRun, saveProgress, savePlan, startRun, type RunCounters } from '../data-access/run-repository.ts';
import { findUpload } from '../data-access/upload-repository.ts';
import { beijingMidnight, chunks, RECORD, STUDENT, type SyncTables } from './bitable-tables.ts';
import { planSync, type SyncPlan } from './plan-sync.ts';
import { WriteLanes } from './write-lanes.ts';

export interface SyncDeps {
  pool: Pool;
  /** a client of this run alone, so its call counter counts this run's calls */
  client: FeishuClient;
  tables: SyncTables;
  logger: Pick<Logger, 'info' | 'warn'>;
  batchSize: number;
}

export interface RunOptions {
  onProgress?: (done: number, total: number, message: string) => Promise<void> | void;
  /** tests: called once Feishu answered a create batch, before the local map has it (a crash right there) */
  afterCreateBatch?: (table: 'students' | 'records', batchNo: number) => Promise<void> | void;
}

/** A failure retrying cannot mend (permission, field schema, configuration): the run fails with Feishu's own words. */
export class FinalSyncError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FinalSyncError';
  }
}

export function finalSyncFailure(error: unknown): FinalSyncError | null {
  if (error instanceof FinalSyncError) return error;
  if (!isFeishuError(error) || !['permission', 'field', 'config', 'limit', 'bad_request'].includes(error.kind)) return null;
  const what = error.kind === 'permission' ? '飞书拒绝访问：把应用加为多维表格协作者，或给它的角色读写权限'
    : error.kind === 'field' ? `飞书表格的字段不符${error.fieldName ? `：缺少或类型不对的字段「${error.fieldName}」` : ''}`
      : '飞书配置或请求有误';
  return new FinalSyncError(`${what}。${error.message}`, { cause: error });
}

/** The batch's client_token: fixed by (run, table, batch), in uuid shape (the client's own derivation). */
export const batchToken = (runId: number, table: string, batchNo: number): string => chunkClientToken(`feishu-sync:${runId}:${table}`, batchNo + 1)!;

/**
 * Runs a sync to the end, or resumes one: the plan is made on the first attempt and kept, batches already in the local
 * map are not sent again, and a batch Feishu created whose answer we never stored is sent again with the same
 * client_token, so Feishu answers the records it made and creates nothing (spec §2.3). Each table is written by one
 * lane, one write at a time (1254291), and the two tables' lanes run together, each waiting only for the ids it
 * links; a link cell is written whole, old links first (mergeLinkCell).
 */
export async function runSync(deps: SyncDeps, runId: number, options: RunOptions = {}): Promise<RunCounters> {
  const run = await findRun(deps.pool, runId);
  if (!run) throw new FinalSyncError(`没有第 ${runId} 次同步`);
  if (run.state === 'succeeded' || run.state === 'rolled_back') return run.counters;
  await startRun(deps.pool, runId);
  const upload = run.uploadId === null ? null : await findUpload(deps.pool, run.uploadId);
  if (!upload) throw new FinalSyncError(`第 ${runId} 次同步的上传文件不存在`);
  const startCalls = deps.client.calls.total;
  try {
    let plan = run.plan;
    if (!plan) {
      plan = await planSync(deps.client, deps.tables, upload.rows, deps.batchSize);
      // an attempt that planned first wins (its batches may already be in Feishu): then use its plan
      if (!await savePlan(deps.pool, runId, plan)) plan = (await findRun(deps.pool, runId))!.plan!;
    }
    return await executePlan(deps, runId, plan, upload.rowErrors.length, options);
  } finally {
    await saveProgress(deps.pool, runId, {}, deps.client.calls.total - startCalls);
  }
}

async function executePlan(deps: SyncDeps, runId: number, plan: SyncPlan, rowErrors: number, options: RunOptions): Promise<RunCounters> {
  const { client, tables, pool } = deps;
  const studentBatches = chunks(plan.newStudents, plan.batchSize);
  const recordBatches = chunks(plan.newRecords, plan.batchSize);
  const newLinks = new Map<string, string[]>();
  for (const record of plan.newRecords) newLinks.set(record.userId, [...(newLinks.get(record.userId) ?? []), record.key]);
  const touched = new Set([...newLinks.keys(), ...plan.changedStudents.map((s) => s.userId)]);
  const updateBatches = chunks([...touched], plan.batchSize);
  const total = studentBatches.length + recordBatches.length + updateBatches.length;
  let done = 0;
  const step = async (message: string) => {
    done++;
    await options.onProgress?.(done, total, message);
  };

  const students = await createdRecords(pool, runId, 'students');
  const records = await createdRecords(pool, runId, 'records');
  const studentId = (userId: string) => students.get(userId) ?? plan.existing[userId]?.recordId;
  const lanes = new WriteLanes();

  const createStudents = async () => {
    for (const [n, batch] of studentBatches.entries()) {
      lanes.check();
      if (batch.every((s) => students.has(s.userId))) { await step(`学员第 ${n + 1} 批已写过`); continue; }
      const rows = batch.map((s) => ({
        [STUDENT.userId]: s.userId, [STUDENT.nickname]: s.nickname, [STUDENT.enteredAt]: writeCell.date(plan.enteredAt),
        ...(s.phone ? { [STUDENT.phone]: writeCell.phone(s.phone) } : {}),
      }));
      const created = await client.batchCreate(tables.students, rows, { clientToken: batchToken(runId, 'students', n) });
      await options.afterCreateBatch?.('students', n);
      const made = batch.map((s, i) => ({ key: s.userId, recordId: created[i]!.recordId }));
      await recordCreated(pool, runId, 'students', n, made);
      for (const m of made) students.set(m.key, m.recordId);
      lanes.moved();
      await step(`新建学员第 ${n + 1}/${studentBatches.length} 批（${batch.length} 人）`);
    }
  };

  // a batch of learning records goes as soon as the students it links exist, while later students are still created
  const createRecords = async () => {
    for (const [n, batch] of recordBatches.entries()) {
      lanes.check();
      if (batch.every((r) => records.has(r.key))) { await step(`学习记录第 ${n + 1} 批已写过`); continue; }
      await lanes.until(() => batch.every((r) => studentId(r.userId) !== undefined), `学习记录第 ${n + 1} 批的学员`);
      const rows = batch.map((r) => ({
        [RECORD.userId]: r.userId, [RECORD.course]: r.course, [RECORD.studyDate]: writeCell.date(beijingMidnight(r.studyDate)),
        [RECORD.enteredAt]: writeCell.date(plan.enteredAt), [RECORD.student]: writeCell.link([studentId(r.userId)!]),
      }));
      const created = await client.batchCreate(tables.records, rows, { clientToken: batchToken(runId, 'records', n) });
      await options.afterCreateBatch?.('records', n);
      const made = batch.map((r, i) => ({ key: r.key, recordId: created[i]!.recordId }));
      await recordCreated(pool, runId, 'records', n, made);
      for (const m of made) records.set(m.key, m.recordId);
      lanes.moved();
      await step(`新建学习记录第 ${n + 1}/${recordBatches.length} 批（${batch.length} 条）`);
    }
  };

  // students: changed nickname / phone, and the link cell whole (old links first), each batch once all the records
  // it links exist. Idempotent: computed from the plan.
  const changes = new Map(plan.changedStudents.map((c) => [c.userId, c]));
  const ready = (batch: string[]) => batch.every((userId) => studentId(userId) !== undefined && (newLinks.get(userId) ?? []).every((key) => records.has(key)));
  const updateStudents = async () => {
    // whichever batch is ready first goes first: a student's last record may come late in the file
    const waiting = new Map(updateBatches.entries());
    while (waiting.size > 0) {
      lanes.check();
      await lanes.until(() => [...waiting.values()].some(ready), `学员第 ${[...waiting.keys()].map((n) => n + 1).join('、')} 批的学习记录`);
      const [n, batch] = [...waiting.entries()].find(([, b]) => ready(b))!;
      waiting.delete(n);
      const before: Array<{ recordId: string; before: Record<string, unknown> }> = [];
      const rows = batch.map((userId) => {
        const change = changes.get(userId);
        const existing = plan.existing[userId];
        const links = (newLinks.get(userId) ?? []).map((key) => records.get(key)!);
        const fields: Record<string, unknown> = {};
        if (change?.after.nickname !== undefined) fields[STUDENT.nickname] = change.after.nickname;
        if (change?.after.phone !== undefined) fields[STUDENT.phone] = writeCell.phone(change.after.phone);
        if (links.length > 0) fields[STUDENT.records] = mergeLinkCell(existing ? { link_record_ids: existing.links } : null, links);
        if (existing) {
          const was: Record<string, unknown> = {};
          if (STUDENT.nickname in fields) was[STUDENT.nickname] = change!.before.nickname;
          if (STUDENT.phone in fields) was[STUDENT.phone] = change!.before.phone;
          if (STUDENT.records in fields) was[STUDENT.records] = existing.links.length > 0 ? existing.links : null;
          before.push({ recordId: existing.recordId, before: was });
        }
        return { recordId: studentId(userId)!, fields };
      });
      await rememberBefore(pool, runId, 'students', before);
      await client.batchUpdate(tables.students, rows);
      await step(`更新学员第 ${n + 1}/${updateBatches.length} 批（${batch.length} 人）`);
    }
  };

  await lanes.run([async () => { await createStudents(); await updateStudents(); }, createRecords]);

  const counters: RunCounters = {
    studentsCreated: plan.newStudents.length, studentsUpdated: plan.changedStudents.length, recordsCreated: plan.newRecords.length,
    recordsSkipped: plan.skippedRecords.length + plan.duplicateRows, linksWritten: touched.size, rowErrors,
  };
  await saveProgress(pool, runId, counters, 0);
  deps.logger.info({ runId, ...counters, calls: client.calls.byEndpoint() }, 'feishu sync run done');
  return counters;
}
