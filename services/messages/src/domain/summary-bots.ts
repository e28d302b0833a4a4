import { createCozeClient, type CozeClient, type CozeLogger } from '@doitcrm/coze';
import type { MessagesConfig } from '../config.ts';
import type { SummaryMode } from '../contract.ts';

export const SUMMARIES_OFF = 'AI 总结未启用：请配置 COZE_BASE_URL、COZE_API_TOKEN 和 COZE_PARENT_BOT_ID（老师总结另需 COZE_TEACHER_BOT_ID） (Coze is not configured)';

export interface SummaryBots {
  client: CozeClient;
  botFor(mode: SummaryMode): string | null;
}

/**
 * The Coze client and the two bots (parents' communication, teachers'); null when Coze is not configured. The
 * instructions live in each bot's configuration on Coze, not in code: the service sends only the transcript, and
 * asks Coze not to keep the conversation (these are minors' families' chats).
 */
export function createSummaryBots(config: MessagesConfig, logger?: CozeLogger): SummaryBots | null {
  if (!config.COZE_BASE_URL || !config.COZE_API_TOKEN || !config.COZE_PARENT_BOT_ID) return null;
  const client = createCozeClient({ baseUrl: config.COZE_BASE_URL, token: config.COZE_API_TOKEN, autoSaveHistory: false, logger });
  return {
    client,
    botFor: (mode) => (mode === 'teacher' ? config.COZE_TEACHER_BOT_ID ?? null : config.COZE_PARENT_BOT_ID ?? null),
  };
}
