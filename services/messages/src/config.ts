import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';

export const messagesConfigShape = {
  ...baseConfigShape,
  ...portShape(5006),
  COZE_BASE_URL: z.string().url().optional().describe('Coze API base URL (https://api.coze.cn, or the fake under npm start and tests); without it summaries are off'),
  COZE_API_TOKEN: z.string().min(1).optional().describe('Coze personal access token (pat_…); without it summaries are off'),
  COZE_PARENT_BOT_ID: z.string().min(1).optional().describe('bot that summarises parents\' communication'),
  COZE_TEACHER_BOT_ID: z.string().min(1).optional().describe('bot that summarises teachers\' communication'),
};

export type MessagesConfig = Readonly<z.infer<z.ZodObject<typeof messagesConfigShape>>>;

export function loadMessagesConfig(env: NodeJS.ProcessEnv = process.env): MessagesConfig {
  return loadConfig(messagesConfigShape, env);
}
