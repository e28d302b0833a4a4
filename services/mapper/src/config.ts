import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';

export const mapperConfigShape = {
  ...baseConfigShape,
  ...portShape(5004),
  WECOM_BASE_URL: z.string().url().default('https://qyapi.weixin.qq.com').describe('WeCom server API (the fake under npm start and tests)'),
  WECOM_CORP_ID: z.string().min(1).optional().describe('企业ID; without it nickname fetching is off'),
  WECOM_SECRET: z.string().min(1).optional().describe('secret of the app with 客户联系 and 通讯录 read permission'),
  WECOM_ARCHIVE_SECRET: z.string().min(1).optional().describe('会话内容存档 secret, needed to name internal groups'),
  WECOM_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(600),
};

export type MapperConfig = Readonly<z.infer<z.ZodObject<typeof mapperConfigShape>>>;

export function loadMapperConfig(env: NodeJS.ProcessEnv = process.env): MapperConfig {
  return loadConfig(mapperConfigShape, env);
}
