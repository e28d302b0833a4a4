import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';

const optionalText = z.string().trim().min(1).optional();

/** The Feishu app and the two tables of seed 002 (its config.json: student_table, learning_record_table). */
export const feishuSettingsShape = {
  FEISHU_BASE_URL: z.string().url().default('https://open.feishu.cn').describe('https://open.feishu.cn (Lark: https://open.larksuite.com); `npm start` points it at the fake'),
  FEISHU_APP_ID: optionalText.describe('the self-built app (cli_…); without it and the secret, syncs are off'),
  FEISHU_APP_SECRET: optionalText.describe('the app secret (no default: a secret never has one)'),
  FEISHU_APP_TOKEN: optionalText.describe('the base (多维表格) holding both tables: the app_token in its URL'),
  FEISHU_STUDENTS_TABLE_ID: optionalText.describe('学员总表 table_id (tbl…)'),
  FEISHU_RECORDS_TABLE_ID: optionalText.describe('学习记录表 table_id (tbl…)'),
};

export const syncSettingsShape = {
  FEISHU_SYNC_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(500)
    .describe('records per search page of the dry run and the sync (Feishu allows ≤ 500)'),
  FEISHU_SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(500)
    .describe('records per batch write (error 1254104 says ≤ 500; newer docs 1,000). Fixed into a run\'s plan, so a resume cuts the same batches'),
  FEISHU_SYNC_MAX_UPLOAD_MB: z.coerce.number().positive().max(50).default(10).describe('largest export accepted (the page states it)'),
  FEISHU_SYNC_UPLOAD_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30)
    .describe('uploads (every row of an export, phones included) older than this are deleted daily; runs keep the file name, row count and what rollback needs'),
};

export const feishuSyncConfigShape = {
  ...baseConfigShape,
  ...portShape(5020),
  ...feishuSettingsShape,
  ...syncSettingsShape,
};

export type FeishuSyncConfig = Readonly<z.infer<z.ZodObject<typeof feishuSyncConfigShape>>>;

export function loadFeishuSyncConfig(env: NodeJS.ProcessEnv = process.env): FeishuSyncConfig {
  return loadConfig(feishuSyncConfigShape, env);
}
