import type { DispatchChannel } from '@doitcrm/types';

/**
 * What a recipient must look like on each channel, checked when a send is accepted: a malformed address is the
 * caller's mistake, named in the answer, rather than a permanent failure found by a worker minutes later.
 * Robots, bots and app webhooks are addressed by the template (its key or URL); their recipient is a label the
 * traces and the search show.
 */
const SHAPES: Record<DispatchChannel, { pattern: RegExp; expected: string }> = {
  // mainland mobile with or without +86, or any E.164 number (Tencent takes E.164)
  sms: { pattern: /^(?:(?:\+?86)?1[3-9]\d{9}|\+[1-9]\d{6,14})$/u, expected: '手机号（如 13800138000 或 +8613800138000）' },
  // one address, no display name: a comma or angle bracket would smuggle in more recipients
  email: { pattern: /^[^\s@<>,;"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/u, expected: '邮箱地址' },
  // WeCom userid: letters, digits, _ - . @, at most 64; `|` would address several members in one call
  wecom_app: { pattern: /^[A-Za-z0-9_.@-]{1,64}$/u, expected: '企业微信成员 userid' },
  // WeChat openid: 28 characters today; allow the family's length range, never a separator
  wechat_oa: { pattern: /^[A-Za-z0-9_-]{16,64}$/u, expected: '公众号用户 openid' },
  wecom_robot: { pattern: /^[^\p{Cc}]{1,100}$/u, expected: '标签（群机器人由模板指定，收件人只作标识）' },
  feishu_bot: { pattern: /^[^\p{Cc}]{1,100}$/u, expected: '标签（飞书机器人由模板指定，收件人只作标识）' },
  app_webhook: { pattern: /^[^\p{Cc}]{1,100}$/u, expected: '标签（Webhook 地址由模板指定，收件人只作标识）' },
};

/** Why `recipient` cannot be sent to on `channel`, or null when it can. */
export function recipientProblem(channel: DispatchChannel, recipient: string): string | null {
  const shape = SHAPES[channel];
  return shape.pattern.test(recipient) ? null : `不是有效的${shape.expected}`;
}
