import type { ChannelAdapter, OutgoingMessage, SendResult } from '../channel-types.ts';
import { callHttp, httpStatusError } from '../http-call.ts';
import { classifyWecomErrcode } from './wecom-app.ts';

export interface WecomRobotOptions {
  /** the robot's webhook URL, `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…` (the key is the secret) */
  webhookUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Markdown bodies may hold 4,096 bytes, text 2,048 (§1.8). */
const MARKDOWN_MAX_BYTES = 4096;

/**
 * A WeCom group robot. Robots take no idempotency key: a retry after a timeout may post twice. 20 messages a
 * minute per robot; over it WeCom answers 45009 (or 130101), classified rate-limited for a minute.
 */
export function createWecomRobotAdapter(options: WecomRobotOptions): ChannelAdapter {
  return {
    channel: 'wecom_robot',
    async send(message: OutgoingMessage): Promise<SendResult> {
      const content = message.subject ? `**${message.subject}**\n${message.text}` : message.text;
      const truncated = Buffer.from(content).subarray(0, MARKDOWN_MAX_BYTES).toString('utf8').replace(/\uFFFD$/, '');
      const answer = await callHttp('wecom_robot', options.webhookUrl, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ msgtype: 'markdown', markdown: { content: truncated } }),
      }, options.timeoutMs, options.fetch);
      const body = answer.json as { errcode?: number; errmsg?: string } | null;
      if (!body || typeof body.errcode !== 'number') throw httpStatusError('wecom_robot', answer);
      if (body.errcode !== 0) throw classifyWecomErrcode('wecom_robot', body.errcode, body.errmsg ?? '');
      // robots return no id; ours is what support can find in our records
      return { providerMessageId: message.id };
    },
  };
}
