import { z } from 'zod';
import { baseConfigShape, loadConfig, nextRunOf, portShape } from '@doitcrm/kit';
import { wecomSettingsShape } from '@doitcrm/wecom';

function cronOrOff(cron: string): boolean {
  if (cron === 'off') return true;
  try {
    nextRunOf({ cron });
    return true;
  } catch {
    return false;
  }
}
const schedule = (fallback: string) => z.string().trim().min(1).default(fallback).refine(cronOrOff, 'not a cron expression (five fields, or six with seconds) nor "off"');

/** The sync's own settings (the CLI reads them too). */
export const syncSettingsShape = {
  CONTACTS_SYNC_MEMBERS_PER_BATCH: z.coerce.number().int().min(1).max(100).default(100)
    .describe('members per batch/get_by_user call (WeCom allows ≤ 100); a checkpoint is written after each batch'),
  CONTACTS_SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4)
    .describe('user/get and groupchat/get calls in flight at once (the WeCom client caps and rate-limits them again)'),
  CONTACTS_SYNC_LOST_GUARD_RATIO: z.coerce.number().min(0).max(1).default(0.5)
    .describe('a complete pass that would mark more than this share of active relations lost marks none and fails instead (a visibility scope narrowed by mistake looks exactly like mass churn)'),
  CONTACTS_SYNC_INCREMENTAL_CRON: schedule('0 * * * *')
    .describe('when the incremental pass runs (cron, Beijing time; "off" for never): the periodic pass is the source of truth, WeCom sends no callback for changes made through its API'),
  CONTACTS_SYNC_FULL_CRON: schedule('0 2 * * *')
    .describe('when the full pass runs (cron, Beijing time; "off" for never)'),
};

export const contactsSyncConfigShape = {
  ...baseConfigShape,
  ...portShape(5030),
  ...wecomSettingsShape,
  ...syncSettingsShape,
};

export type ContactsSyncConfig = Readonly<z.infer<z.ZodObject<typeof contactsSyncConfigShape>>>;

export function loadContactsSyncConfig(env: NodeJS.ProcessEnv = process.env): ContactsSyncConfig {
  return loadConfig(contactsSyncConfigShape, env);
}
