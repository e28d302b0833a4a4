import { auditAs, ConflictError, NotFoundError, recordAudit, ValidationError, withTransaction, type Actor, type Pool, type Queryable } from '@doitcrm/kit';
import type { ConfigEntry } from '../contract.ts';
import { findConfigRowForUpdate, listConfigRows, writeConfigRow, type ConfigRow } from '../data-access/config-repository.ts';
import { DEFAULT_DISPATCH_SETTINGS, dispatchSettingSchemas, type DispatchSettingKey } from './dispatch-settings.ts';
import { isSettingKey, settingProblems } from './settings-watcher.ts';

function entryOf(key: DispatchSettingKey, row: ConfigRow | undefined): ConfigEntry {
  const parsed = row ? dispatchSettingSchemas[key].safeParse(row.value) : null;
  return {
    key,
    value: parsed?.success ? parsed.data : DEFAULT_DISPATCH_SETTINGS[key],
    default: DEFAULT_DISPATCH_SETTINGS[key],
    version: row?.version ?? 0,
    updatedBy: row?.updatedBy ?? null,
    updatedAt: row?.updatedAt ?? null,
    problems: parsed && !parsed.success ? parsed.error.issues.map((issue) => `${issue.path.join('.') || '(value)'}: ${issue.message}`) : [],
  };
}

/** Every key the dispatcher knows, with a row or without (then version 0 and the default in force). */
export async function listConfigs(db: Queryable): Promise<ConfigEntry[]> {
  const rows = new Map((await listConfigRows(db)).map((row) => [row.key, row]));
  return (Object.keys(dispatchSettingSchemas) as DispatchSettingKey[]).map((key) => entryOf(key, rows.get(key)));
}

/**
 * Writes a key's value after checking it against its schema (every problem named at once), only over the version the
 * writer last read: two admins editing one key cannot silently overwrite each other (409, reload and redo). Audited
 * with the value before and after; the write NOTIFYs, so every watcher loads it within moments.
 */
export async function changeConfig(pool: Pool, actor: Actor, key: string, value: unknown, expectedVersion: number | null): Promise<ConfigEntry> {
  if (!isSettingKey(key)) throw new NotFoundError(`没有配置项 ${key}`);
  const problems = settingProblems(key, value);
  if (problems.length > 0) throw new ValidationError(`配置 ${key} 无效：${problems.map((problem) => `${problem.field} ${problem.message}`).join('；')}`, problems);
  return withTransaction(pool, async (client) => {
    const before = await findConfigRowForUpdate(client, key);
    const current = before?.version ?? 0;
    if (expectedVersion !== null && expectedVersion !== current) {
      throw new ConflictError(`配置 ${key} 已被他人修改（当前版本 ${current}，你修改的是版本 ${expectedVersion}），请刷新后重试`, [{ field: 'version', message: `当前版本 ${current}` }]);
    }
    const parsed = dispatchSettingSchemas[key].parse(value);
    const version = await writeConfigRow(client, key, parsed, current, actor.userId);
    if (version === null) throw new ConflictError(`配置 ${key} 正被同时修改，请刷新后重试`);
    await recordAudit(client, auditAs(actor, {
      service: 'dispatcher', action: 'dispatcher.config.update', targetType: 'config', targetId: key,
      details: { version, before: before ? before.value : null, after: parsed },
    }));
    const row = (await listConfigRows(client)).find((candidate) => candidate.key === key);
    return entryOf(key, row);
  });
}
