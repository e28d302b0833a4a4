import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';
import { wecomSettingsShape } from '@doitcrm/wecom';
import type { ScheduleName } from './contract.ts';
import { isSchedulableCron } from './domain/schedule-settings.ts';

/**
 * A schedule's setting is the value in force until someone saves the schedules on the page, so it must be one the
 * form can show: "M * * * *" (incremental), "M H * * *" (full), "M H * * D" (clean-up), or "off".
 */
const schedule = (name: ScheduleName, fallback: string, shape: string) => z.string().trim().min(1).default(fallback)
  .refine((cron) => isSchedulableCron(name, cron), `must be "${shape}" (Beijing time) or "off"`);

/** The sync's own settings (the CLI reads them too). */
export const syncSettingsShape = {
  CONTACTS_SYNC_MEMBERS_PER_BATCH: z.coerce.number().int().min(1).max(100).default(100)
    .describe('members per batch/get_by_user call (WeCom allows ≤ 100); a checkpoint is written after each batch'),
  CONTACTS_SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4)
    .describe('user/get and groupchat/get calls in flight at once, and batch/get_by_user cursor chains walked at once (the WeCom client caps and rate-limits them again)'),
  CONTACTS_SYNC_LOST_GUARD_RATIO: z.coerce.number().min(0).max(1).default(0.5)
    .describe('a complete pass that would mark more than this share of active relations lost marks none and fails instead (a visibility scope narrowed by mistake looks exactly like mass churn)'),
  CONTACTS_SYNC_INCREMENTAL_CRON: schedule('incremental', '0 * * * *', 'M * * * *')
    .describe('when the incremental pass runs until the schedules are saved on the page (cron, Beijing time; "off" for never): the periodic pass is the source of truth, WeCom sends no callback for changes made through its API'),
  CONTACTS_SYNC_FULL_CRON: schedule('full', '0 2 * * *', 'M H * * *')
    .describe('when the full pass runs until the schedules are saved on the page (cron, Beijing time; "off" for never)'),
  CONTACTS_SYNC_CLEANUP_CRON: schedule('cleanup', '0 3 * * 0', 'M H * * D')
    .describe('when the weekly clean-up runs until the schedules are saved on the page (cron, Beijing time, weekday 0 = Sunday; "off" for never)'),
  CONTACTS_SYNC_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(90)
    .describe('the weekly clean-up deletes change-log rows and applied callbacks older than this many days'),
  CONTACTS_SCHEDULE_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(2_000)
    .describe('how often every instance re-reads the schedules saved on the page (a save is in force within this)'),
};

/** 43 base64 characters that decode (with "=") to the 32-byte AES key (spec external-apis.md §1.10). */
function isEncodingAesKey(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}$/.test(value) && Buffer.from(`${value}=`, 'base64').length === 32;
}

/**
 * The callback receiver's settings, under the seed's names (seeds/004). No defaults: without WECOM_TOKEN and
 * WECOM_ENCODING_AES_KEY the callback routes answer 404; a malformed key stops the start naming the setting.
 */
export const callbackSettingsShape = {
  WECOM_TOKEN: z.string().min(1).max(32).regex(/^[A-Za-z0-9]+$/, 'letters and digits only (WeCom allows up to 32)').optional()
    .describe('the Token of the app\'s 接收消息 settings; signs every callback'),
  WECOM_ENCODING_AES_KEY: z.string().refine(isEncodingAesKey, 'must be the 43-character EncodingAESKey from the 接收消息 settings').optional()
    .describe('the EncodingAESKey of the app\'s 接收消息 settings: decrypts every callback'),
  WECOM_AGENT_ID: z.string().regex(/^\d+$/, 'the app\'s AgentId (digits)').optional().describe('the self-built app\'s AgentId'),
  WECOM_CALLBACK_URL: z.string().url().optional()
    .describe('the public URL entered as the app\'s 接收消息 URL (ends in /api/v1/wecom/callback); shown in the setup hints'),
  WECOM_CALLBACK_WINDOW_SECONDS: z.coerce.number().int().min(30).max(3600).default(300)
    .describe('how far a callback\'s signed timestamp may be from now; nonces are remembered this long'),
  CONTACTS_CALLBACK_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(2_000)
    .describe('how often the applier looks for due inbox rows (a stored callback also wakes it at once)'),
};

export const contactsSyncConfigShape = {
  ...baseConfigShape,
  ...portShape(5030),
  ...wecomSettingsShape,
  ...syncSettingsShape,
  ...callbackSettingsShape,
};

export type ContactsSyncConfig = Readonly<z.infer<z.ZodObject<typeof contactsSyncConfigShape>>>;

export function loadContactsSyncConfig(env: NodeJS.ProcessEnv = process.env): ContactsSyncConfig {
  return loadConfig(contactsSyncConfigShape, env);
}
