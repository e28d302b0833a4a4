import { z } from 'zod';

/**
 * The dispatcher's channels (services/dispatcher, packages/channels): one key per kind of destination, shared by the
 * templates, the messages, the channel adapters and the page. The seed's five (SMS, Email, APP, 微信, 飞书) with WeCom
 * split into app message and group robot.
 */
export const DISPATCH_CHANNELS = ['sms', 'email', 'wecom_app', 'wecom_robot', 'wechat_oa', 'feishu_bot', 'app_webhook'] as const;
export type DispatchChannel = (typeof DISPATCH_CHANNELS)[number];

/**
 * How a channel's body is read at the other end, so a variable's value is escaped for it: an HTML e-mail would run a
 * value's markup, a markdown robot would turn `*`, `[…](…)` or `<font>` in a value into formatting or links.
 */
export const CHANNEL_BODY_FORMAT: Record<DispatchChannel, 'html' | 'markdown' | 'plain'> = {
  sms: 'plain',
  email: 'html',
  wecom_app: 'plain',
  wecom_robot: 'markdown',
  wechat_oa: 'plain',
  feishu_bot: 'markdown',
  app_webhook: 'plain',
};

export const DISPATCH_CHANNEL_TITLES: Record<DispatchChannel, string> = {
  sms: '短信',
  email: '邮件',
  wecom_app: '企业微信应用消息',
  wecom_robot: '企业微信群机器人',
  wechat_oa: '微信公众号模板消息',
  feishu_bot: '飞书机器人',
  app_webhook: 'APP 推送（Webhook）',
};

/**
 * Queue message: one dispatcher message to send (services/dispatcher: the outbox relay publishes it, the channel's
 * worker consumes it). Only the row's id travels: `dispatch.messages` is the record — the worker claims the row and
 * renders from it — so a redelivered or stale copy can never send what the row no longer says. `attempt` is the
 * delivery attempt this copy is for (0 first, then one more per back-off step); the envelope carries the trace id.
 */
export const dispatchSendSchema = z.object({
  messageId: z.number().int().positive(),
  attempt: z.number().int().min(0),
});
export type DispatchSend = z.infer<typeof dispatchSendSchema>;
