import type { Request, Response } from 'express';
import { answerInjection, sendEnvelope, sendEnvelopeError } from '../coze-envelope.ts';
import type { CozeFakeContext } from '../coze-fake-context.ts';

/** `GET /v1/bot/get_online_info?bot_id=`: the published bot, or 4200 when unknown or unpublished. */
export function botInfoHandler(ctx: CozeFakeContext) {
  return (req: Request, res: Response): void => {
    const botId = typeof req.query.bot_id === 'string' ? req.query.bot_id : '';
    const rule = ctx.injector.match('bot_info', botId, false);
    if (answerInjection(ctx, res, rule)) return;
    if (botId === '') {
      sendEnvelopeError(ctx, res, { code: 4000, msg: 'bot_id is required' });
      return;
    }
    const bot = ctx.state.bots.get(botId);
    if (!bot?.published) {
      sendEnvelopeError(ctx, res, { code: 4200, msg: `bot ${botId} does not exist or has not been published as an API service` });
      return;
    }
    const stamp = Math.floor(ctx.now() / 1000);
    sendEnvelope(ctx, res, {
      bot_id: bot.id, name: bot.name, description: '本地模拟机器人 (a local fake bot)', icon_url: '', create_time: stamp, update_time: stamp,
      version: '1', bot_mode: 0,
    });
  };
}
