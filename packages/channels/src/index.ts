export type { ChannelAdapter, ChannelName, OutgoingMessage, SendResult } from './channel-types.ts';
export { ChannelError, isChannelError, type ChannelErrorKind, type ChannelErrorInit } from './channel-error.ts';
export { createAliyunSmsAdapter, classifyAliyunCode, type AliyunSmsOptions } from './adapters/sms-aliyun.ts';
export { createTencentSmsAdapter, classifyTencentCode, type TencentSmsOptions } from './adapters/sms-tencent.ts';
export { createEmailSmtpAdapter, classifySmtpError, type EmailSmtpOptions } from './adapters/email-smtp.ts';
export { createWecomAppAdapter, classifyWecomErrcode, type WecomAppOptions } from './adapters/wecom-app.ts';
export { createWecomRobotAdapter, type WecomRobotOptions } from './adapters/wecom-robot.ts';
export { createWechatOaAdapter, classifyWechatErrcode, type WechatOaOptions } from './adapters/wechat-oa.ts';
export { createFeishuBotAdapter, classifyFeishuBotCode, type FeishuBotOptions } from './adapters/feishu-bot.ts';
export { createAppWebhookAdapter, appWebhookSignature, type AppWebhookOptions } from './adapters/app-webhook.ts';
export { requestHttp, MAX_ANSWER_BYTES, type HttpRequester, type HttpRequestInit } from './http-request.ts';
export type { HttpAnswer } from './http-call.ts';
export {
  createSmsRouter, ProvidersOverLimitError, type AdmitProvider, type ProviderAdmission, type SkippedProvider, type SmsRouter, type SmsRouterOptions,
  type SmsSendResult, type WeightedProvider,
} from './sms-router.ts';
export { channelSettingsShape, createChannelsFromSettings, type ChannelSettings, type Channels } from './settings.ts';
