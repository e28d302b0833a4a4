import { CozeError } from './coze-error.ts';
import type { CozeConnectionResult } from './coze-types.ts';
import { openCozeRequest, readEnvelope, type CozeTransport } from './http-transport.ts';
import { botInfoShape } from './wire-schemas.ts';

/**
 * Checks token, permission and bot in one cheap call that costs no tokens: reads the published bot
 * (`GET /v1/bot/get_online_info`). A 4200 there means the bot id is wrong or the bot is not published as an
 * API service; 4100 the token; 4101 the token's permissions. No retries: an operator is waiting for the verdict.
 */
export async function testConnection(transport: CozeTransport, botId: string): Promise<CozeConnectionResult> {
  if (botId.trim() === '') {
    return { ok: false, botId, kind: 'config', code: null, logId: null, hint: '未配置机器人 ID：设置 COZE_PARENT_BOT_ID / COZE_TEACHER_BOT_ID (no bot id configured)' };
  }
  try {
    const opened = await openCozeRequest(transport, { method: 'GET', path: '/v1/bot/get_online_info', query: { bot_id: botId } }, undefined);
    const data = botInfoShape.safeParse(await readEnvelope(opened, transport.baseUrl));
    return { ok: true, botId, botName: data.success ? data.data.name : '' };
  } catch (error) {
    if (!(error instanceof CozeError)) throw error;
    return { ok: false, botId, kind: error.kind, code: error.code, hint: error.hint, logId: error.logId };
  }
}
