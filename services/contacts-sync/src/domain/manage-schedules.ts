import { auditAs, nextRunOf, recordAudit, withTransaction, type Actor, type Pool, type Queryable } from '@doitcrm/kit';
import type { ScheduleName, ScheduleSettings, ScheduleSettingsInput } from '../contract.ts';
import { readSchedules, saveSchedules } from '../data-access/schedule-repository.ts';
import { cronOf, inputFromRows, rowFromCron, rowsFromInput, SCHEDULE_NAMES, type ScheduleRow } from './schedule-settings.ts';

/** The settings a schedule falls back to until someone saves on the page: the service's CONTACTS_SYNC_*_CRON. */
export interface ScheduleDefaults {
  crons: Record<ScheduleName, string>;
  timezone: string;
  retentionDays: number;
}

/** What is in force: the saved row of each schedule, else its setting's cron. */
export async function schedulesInForce(db: Queryable, defaults: ScheduleDefaults) {
  const stored = await readSchedules(db);
  const rows = Object.fromEntries(SCHEDULE_NAMES.map((name) => [name, stored.find((row) => row.name === name) ?? rowFromCron(name, defaults.crons[name])])) as Record<ScheduleName, ScheduleRow>;
  const latest = stored.reduce<(typeof stored)[number] | null>((last, row) => (!last || row.updatedAt > last.updatedAt ? row : last), null);
  return { rows, saved: stored.length > 0, updatedAt: latest?.updatedAt ?? null, updatedBy: latest?.updatedBy ?? null };
}

export async function scheduleSettings(db: Queryable, defaults: ScheduleDefaults, now = new Date()): Promise<ScheduleSettings> {
  const { rows, ...meta } = await schedulesInForce(db, defaults);
  const input = inputFromRows(rows);
  const state = (name: ScheduleName) => {
    const cron = cronOf(rows[name]);
    const next = cron === 'off' ? null : nextRunOf({ cron, timezone: defaults.timezone })(now);
    return { cron, nextRunAt: next ? next.toISOString() : null };
  };
  return {
    incremental: { ...input.incremental, ...state('incremental') },
    full: { ...input.full, ...state('full') },
    cleanup: { ...input.cleanup, ...state('cleanup') },
    ...meta,
    retentionDays: defaults.retentionDays,
  };
}

/** Saves all three (validated by the route against the contract); the audit row names the old and new crons. */
export async function saveScheduleSettings(pool: Pool, actor: Actor, input: ScheduleSettingsInput, defaults: ScheduleDefaults): Promise<ScheduleSettings> {
  await withTransaction(pool, async (tx) => {
    const before = (await schedulesInForce(tx, defaults)).rows;
    const rows = rowsFromInput(input);
    await saveSchedules(tx, rows, actor.username);
    await recordAudit(tx, auditAs(actor, {
      service: 'contacts-sync', action: 'contacts.schedules.update', targetType: 'schedule_settings',
      details: Object.fromEntries(rows.map((row) => [row.name, { from: cronOf(before[row.name]), to: cronOf(row) }])),
    }));
  });
  return scheduleSettings(pool, defaults);
}
