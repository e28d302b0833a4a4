import { ConflictError, NotFoundError, auditAs, enqueueEvent, recordAudit, withTransaction, type Actor, type Pool } from '@doitcrm/kit';
import { findImport, lockRoster, markCommitted } from '../data-access/import-repository.ts';
import { applyPlan } from '../data-access/roster-writer.ts';
import { loadSnapshot } from '../data-access/snapshot-repository.ts';
import { planCommit } from './commit-plan.ts';
import { snapshotScope } from './snapshot.ts';
import { diffRoster, diffToken } from './diff-roster.ts';
import type { RosterDiff } from './diff-types.ts';

export interface SkippedRow {
  kind: 'class' | 'student';
  row: number;
  column: number;
  name: string;
  reason: string;
}

export interface CommitReport {
  classes: { inserted: number; updated: number; unchanged: number; skipped: number };
  students: { inserted: number; updated: number; enrolled: number; unchanged: number; skipped: number };
  staffCreated: number;
  contacts: { inserted: number; updated: number };
  absent: number;
  skipped: SkippedRow[];
  durationMs: number;
}

/**
 * Commits a preview in one transaction: re-diffs under the roster lock and refuses (409) when the result is not
 * what the operator saw; writes set-based, logs before/after images for undo, audits and announces roster.changed.
 */
export async function commitImport(pool: Pool, id: number, options: { token?: string }, actor: Actor): Promise<CommitReport> {
  const started = performance.now();
  return withTransaction(pool, async (client) => {
    await lockRoster(client);
    const record = await findImport(client, id, { forUpdate: true });
    if (!record) throw new NotFoundError(`没有导入记录 ${id}`);
    if (record.status !== 'previewed') throw new ConflictError(`导入 ${id} 已是“${record.status}”状态，不能再提交`);
    // without namesake counts: they only word warnings, and neither the token nor the plan depends on warnings
    const snapshot = await loadSnapshot(client, snapshotScope(record.draft, { warnings: false }));
    const diff = diffRoster(record.draft, snapshot);
    if (options.token && options.token !== diffToken(diff)) {
      throw new ConflictError('预览之后数据库或预览内容已变化，请重新查看预览后再提交', [{ field: 'token', message: 'the diff differs from the one previewed' }]);
    }
    const plan = planCommit(record.draft, diff, snapshot);
    const applied = await applyPlan(client, id, plan, snapshot);
    const count = (table: string, op: string) => applied.logged.filter((e) => e.table === table && e.op === op).reduce((sum, e) => sum + e.count, 0);
    const report: CommitReport = {
      classes: { inserted: count('classes', 'insert'), updated: count('classes', 'update'), unchanged: diff.summary.classes.unchanged, skipped: diff.summary.classes.unmatched },
      students: {
        inserted: count('students', 'insert'), updated: count('students', 'update'), enrolled: count('enrolments', 'insert'),
        unchanged: diff.summary.students.unchanged, skipped: diff.summary.students.unmatched,
      },
      staffCreated: count('staff', 'insert'),
      contacts: { inserted: count('student_contacts', 'insert'), updated: count('student_contacts', 'update') },
      absent: diff.summary.absent,
      skipped: skippedRows(diff),
      durationMs: 0,
    };
    report.durationMs = Math.round(performance.now() - started);
    await markCommitted(client, id, report, actor.userId);
    await recordAudit(client, auditAs(actor, {
      service: 'roster', action: 'roster.import.commit', targetType: 'roster_import', targetId: id,
      details: { file: record.fileName, kind: record.kind, classes: report.classes, students: report.students },
    }));
    if (applied.logged.some((e) => e.count > 0)) {
      await enqueueEvent(client, 'roster.changed', { reason: 'import', importId: id, classIds: applied.classIds, studentIds: applied.studentIds, userId: actor.userId });
    }
    return report;
  });
}

function skippedRows(diff: RosterDiff): SkippedRow[] {
  return [
    ...diff.classes.filter((c) => c.action === 'unmatched').map((c) => ({ kind: 'class' as const, row: c.ref.row, column: c.ref.column, name: c.name, reason: c.reason ?? '' })),
    ...diff.students.filter((s) => s.action === 'unmatched').map((s) => ({ kind: 'student' as const, row: s.ref.row, column: s.ref.column, name: s.name, reason: s.reason ?? '' })),
  ];
}
