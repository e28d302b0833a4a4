import { z } from 'zod';
import { createAppWebhookAdapter } from './adapters/app-webhook.ts';
import { createEmailSmtpAdapter } from './adapters/email-smtp.ts';
import { createFeishuBotAdapter } from './adapters/feishu-bot.ts';
import { createAliyunSmsAdapter } from './adapters/sms-aliyun.ts';
import { createTencentSmsAdapter } from './adapters/sms-tencent.ts';
import { createWechatOaAdapter } from './adapters/wechat-oa.ts';
import { createWecomAppAdapter } from './adapters/wecom-app.ts';
import { createWecomRobotAdapter } from './adapters/wecom-robot.ts';
import type { ChannelAdapter, ChannelName } from './channel-types.ts';
import { createSmsRouter, type AdmitProvider } from './sms-router.ts';

const secret = (what: string) => z.string().min(1).optional().describe(`${what}; without it the channel is off`);
const weight = (provider: string) => z.coerce.number().min(0).max(1000).default(1).describe(`share of SMS sent through ${provider} first (0 = standby)`);

/**
 * Every channel's endpoint and credentials, as the dispatcher reads them from its environment (spread into its config
 * schema). Endpoints default to the real providers; credentials have no defaults, and a channel without them is off.
 */
export const channelSettingsShape = {
  CHANNEL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000).describe('deadline of every provider call, answer included'),

  ALIYUN_SMS_ENDPOINT: z.string().url().default('https://dysmsapi.aliyuncs.com').describe('Aliyun SMS RPC endpoint'),
  ALIYUN_SMS_ACCESS_KEY_ID: secret('RAM AccessKey id allowed dysms:SendSms'),
  ALIYUN_SMS_ACCESS_KEY_SECRET: secret('its AccessKey secret'),
  ALIYUN_SMS_SIGN_NAME: secret('approved 短信签名'),
  ALIYUN_SMS_WEIGHT: weight('Aliyun'),

  TENCENT_SMS_ENDPOINT: z.string().url().default('https://sms.tencentcloudapi.com').describe('Tencent Cloud SMS API endpoint'),
  TENCENT_SMS_SECRET_ID: secret('CAM SecretId allowed sms:SendSms'),
  TENCENT_SMS_SECRET_KEY: secret('its SecretKey'),
  TENCENT_SMS_SDK_APP_ID: secret('短信 SdkAppId (1400…)'),
  TENCENT_SMS_SIGN_NAME: secret('approved 短信签名'),
  TENCENT_SMS_REGION: z.string().min(1).default('ap-guangzhou').describe('region of the SMS application'),
  TENCENT_SMS_WEIGHT: weight('Tencent'),
  SMS_FAILOVER_ON_TIMEOUT: z.enum(['true', 'false']).default('false').transform((v) => v === 'true')
    .describe('let the next SMS provider take over after a timeout (may send twice)'),

  SMTP_HOST: secret('SMTP server host'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65_535).default(465).describe('465 = implicit TLS, 587 = STARTTLS'),
  SMTP_SECURE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true').describe('implicit TLS (true for 465)'),
  SMTP_REQUIRE_TLS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true')
    .describe('refuse to send unencrypted; false only for a local sink without TLS (the demo\'s)'),
  SMTP_USER: secret('SMTP login'),
  SMTP_PASS: secret('SMTP password or app password'),
  SMTP_FROM: secret('From address, e.g. "School <notice@example.com>"'),

  WECOM_SEND_BASE_URL: z.string().url().default('https://qyapi.weixin.qq.com').describe('WeCom server API for app messages'),
  WECOM_SEND_CORP_ID: secret('企业ID'),
  WECOM_SEND_SECRET: secret('secret of the app that sends notices'),
  WECOM_SEND_AGENT_ID: z.coerce.number().int().positive().optional().describe('AgentId of that app'),
  WECOM_SEND_DUPLICATE_CHECK_SECONDS: z.coerce.number().int().min(0).max(14_400).default(1800)
    .describe('WeCom drops an identical message within this window (0 = off)'),
  WECOM_ROBOT_WEBHOOK_URL: secret('group robot webhook URL with its key'),

  WECHAT_OA_BASE_URL: z.string().url().default('https://api.weixin.qq.com').describe('WeChat Official Account API'),
  WECHAT_OA_APP_ID: secret('公众号 AppID'),
  WECHAT_OA_APP_SECRET: secret('公众号 AppSecret'),

  FEISHU_BOT_WEBHOOK_URL: secret('custom bot webhook URL'),
  FEISHU_BOT_SECRET: secret('the bot\'s 签名校验 secret'),

  APP_WEBHOOK_URL: secret('the app backend\'s webhook URL'),
  APP_WEBHOOK_SECRET: secret('shared HMAC secret for X-Signature'),
};

export type ChannelSettings = Readonly<z.infer<z.ZodObject<typeof channelSettingsShape>>>;

/** The configured channels; SMS is one entry routing over whichever providers are configured. */
export type Channels = Partial<Record<ChannelName | 'sms', ChannelAdapter>>;

/**
 * The adapters whose credentials are set; a channel missing any is left out (its sends fail as "not configured").
 * `smsAdmit`: the SMS router asks it before each provider (the dispatcher's provider limits).
 */
export function createChannelsFromSettings(s: ChannelSettings, options: { smsAdmit?: AdmitProvider } = {}): Channels {
  const timeoutMs = s.CHANNEL_TIMEOUT_MS;
  const channels: Channels = {};
  if (s.ALIYUN_SMS_ACCESS_KEY_ID && s.ALIYUN_SMS_ACCESS_KEY_SECRET && s.ALIYUN_SMS_SIGN_NAME) {
    channels['sms_aliyun'] = createAliyunSmsAdapter({
      endpoint: s.ALIYUN_SMS_ENDPOINT, accessKeyId: s.ALIYUN_SMS_ACCESS_KEY_ID, accessKeySecret: s.ALIYUN_SMS_ACCESS_KEY_SECRET,
      signName: s.ALIYUN_SMS_SIGN_NAME, timeoutMs,
    });
  }
  if (s.TENCENT_SMS_SECRET_ID && s.TENCENT_SMS_SECRET_KEY && s.TENCENT_SMS_SDK_APP_ID && s.TENCENT_SMS_SIGN_NAME) {
    channels['sms_tencent'] = createTencentSmsAdapter({
      endpoint: s.TENCENT_SMS_ENDPOINT, secretId: s.TENCENT_SMS_SECRET_ID, secretKey: s.TENCENT_SMS_SECRET_KEY,
      smsSdkAppId: s.TENCENT_SMS_SDK_APP_ID, signName: s.TENCENT_SMS_SIGN_NAME, region: s.TENCENT_SMS_REGION, timeoutMs,
    });
  }
  const sms = [
    ...(channels['sms_aliyun'] ? [{ adapter: channels['sms_aliyun'], weight: s.ALIYUN_SMS_WEIGHT }] : []),
    ...(channels['sms_tencent'] ? [{ adapter: channels['sms_tencent'], weight: s.TENCENT_SMS_WEIGHT }] : []),
  ];
  if (sms.some((p) => p.weight > 0)) channels.sms = createSmsRouter(sms, {
    failoverOnAmbiguous: s.SMS_FAILOVER_ON_TIMEOUT, ...(options.smsAdmit ? { admit: options.smsAdmit } : {}),
  });
  if (s.SMTP_HOST && s.SMTP_FROM) {
    channels.email = createEmailSmtpAdapter({
      host: s.SMTP_HOST, port: s.SMTP_PORT, secure: s.SMTP_SECURE, from: s.SMTP_FROM, timeoutMs, requireTls: s.SMTP_REQUIRE_TLS,
      ...(s.SMTP_USER ? { user: s.SMTP_USER, pass: s.SMTP_PASS ?? '' } : {}),
    });
  }
  if (s.WECOM_SEND_CORP_ID && s.WECOM_SEND_SECRET && s.WECOM_SEND_AGENT_ID) {
    channels['wecom_app'] = createWecomAppAdapter({
      baseUrl: s.WECOM_SEND_BASE_URL, corpId: s.WECOM_SEND_CORP_ID, secret: s.WECOM_SEND_SECRET, agentId: s.WECOM_SEND_AGENT_ID,
      duplicateCheckSeconds: s.WECOM_SEND_DUPLICATE_CHECK_SECONDS, timeoutMs,
    });
  }
  if (s.WECOM_ROBOT_WEBHOOK_URL) channels['wecom_robot'] = createWecomRobotAdapter({ webhookUrl: s.WECOM_ROBOT_WEBHOOK_URL, timeoutMs });
  if (s.WECHAT_OA_APP_ID && s.WECHAT_OA_APP_SECRET) {
    channels['wechat_oa'] = createWechatOaAdapter({ baseUrl: s.WECHAT_OA_BASE_URL, appId: s.WECHAT_OA_APP_ID, appSecret: s.WECHAT_OA_APP_SECRET, timeoutMs });
  }
  if (s.FEISHU_BOT_WEBHOOK_URL) {
    channels['feishu_bot'] = createFeishuBotAdapter({ webhookUrl: s.FEISHU_BOT_WEBHOOK_URL, timeoutMs, ...(s.FEISHU_BOT_SECRET ? { secret: s.FEISHU_BOT_SECRET } : {}) });
  }
  if (s.APP_WEBHOOK_URL && s.APP_WEBHOOK_SECRET) channels['app_webhook'] = createAppWebhookAdapter({ url: s.APP_WEBHOOK_URL, secret: s.APP_WEBHOOK_SECRET, timeoutMs });
  return channels;
}
