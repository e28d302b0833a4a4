import { ConflictError, NotFoundError, auditAs, enqueueEvent, recordAudit, withTransaction, type Actor, type Pool } from '@doitcrm/kit';
import { findImport, lockRoster, markUndone } from '../data-access/import-repository.ts';
import { changedSince, laterDependents, loadChanges, restore, touchedIds } from '../data-access/undo-repository.ts';

const TABLE_LABELS: Record<string, string> = { staff: '老师', classes: '班级', students: '学员', enrolments: '学员的班级', student_contacts: '联系人', student_national_ids: '学员的身份证号' };

/**
 * Restores exactly what a commit changed. Refuses (409) when a later import or edit changed any of the same rows, or
 * hung new rows off rows the import created: undoing then would silently throw that later work away.
 * ID numbers the import stored are deleted, not restored: the log never keeps a number, so a pupil whose number the
 * import replaced has none afterwards (nationalIdsRemoved says how many; a file with the numbers gives them back).
 */
export async function undoImport(pool: Pool, id: number, actor: Actor): Promise<{ restored: number; nationalIdsRemoved: number }> {
  return withTransaction(pool, async (client) => {
    await lockRoster(client);
    const record = await findImport(client, id, { forUpdate: true });
    if (!record) throw new NotFoundError(`没有导入记录 ${id}`);
    if (record.status !== 'committed') throw new ConflictError(`导入 ${id} 不是已提交状态（当前：${record.status}），无法撤销`);
    const changes = await loadChanges(client, id);
    const drifted = await changedSince(client, changes);
    if (drifted.length > 0) {
      const examples = drifted.slice(0, 5).map((c) => `${TABLE_LABELS[c.table]} ${describeKey(c.key, c.current ?? c.before ?? {})}`);
      throw new ConflictError(`无法撤销：本次导入之后有 ${drifted.length} 条记录又被修改过（${examples.join('、')}）；请先撤销之后的导入或手工修改`,
        examples.map((message) => ({ field: 'import', message })));
    }
    const dependents = await laterDependents(client, changes);
    if (dependents.length > 0) {
      throw new ConflictError(`无法撤销：本次导入新建的记录之后又被使用（${dependents.join('、')}）`, dependents.map((message) => ({ field: 'import', message })));
    }
    await restore(client, changes);
    await markUndone(client, id, actor.userId);
    await recordAudit(client, auditAs(actor, { service: 'roster', action: 'roster.import.undo', targetType: 'roster_import', targetId: id, details: { file: record.fileName, rows: changes.length, nationalIdsRemoved: changes.filter((c) => c.table === 'student_national_ids').length } }));
    if (changes.length > 0) await enqueueEvent(client, 'roster.changed', { reason: 'undo', importId: id, ...touchedIds(changes), userId: actor.userId });
    return { restored: changes.length, nationalIdsRemoved: changes.filter((c) => c.table === 'student_national_ids').length };
  });
}

function describeKey(key: Record<string, unknown>, row: Record<string, unknown>): string {
  return typeof row.name === 'string' ? `“${row.name}”` : `#${Object.values(key).join('/')}`;
}
