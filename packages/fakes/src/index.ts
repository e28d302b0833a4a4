export { createWecomFake, type WecomFake, type WecomFakeOptions } from './wecom/create-wecom-fake.ts';
export type { InjectionRule, InjectionHandle } from './wecom/error-injection.ts';
export type { CallLog, LoggedCall } from './wecom/call-log.ts';
export {
  createCallbackSender, type CallbackSender, type CallbackSenderOptions, type CallbackDelivery, type CallbackAttempt, type AttemptOutcome,
} from './wecom/callback/callback-sender.ts';
export type { OutgoingEvent, EventFieldValue } from './wecom/callback/event-xml.ts';
export type { StaffActions } from './wecom/staff/staff-actions.ts';
export { StaffActionError, type StaffActionResult } from './wecom/staff/staff-context.ts';
export type {
  WecomFakeState, WecomDirectory, FakeApp, FakeAppName, FakeUser, FakeDepartment, FakeExternalContact, FakeFollower, FakeTag, FakeCorpTag, FakeCorpTagGroup,
  FakeCustomerGroup, FakeGroupMember, FakeInternalGroup, UnresolvableId,
} from './wecom/wecom-fake-state.ts';
export { createCozeFake, type CozeFake, type CozeFakeOptions } from './coze/create-coze-fake.ts';
export { startCozeFake, cozeFakeOptionsFromEnv, describeCozeFake, DEFAULT_COZE_FAKE_PORT, type StartCozeFakeOptions, type StartedCozeFake } from './coze/start-coze-fake.ts';
export type { CozeInjectionRule, CozeInjectionKind, CozeInjectionHandle, CozeEndpoint } from './coze/coze-injection.ts';
export type { CozeRecordedRequest } from './coze/request-log.ts';
export type { CozeFakeState, CozeStreamShape, FakeBot, FakeChat, FakeChatStatus, FakeMessage } from './coze/coze-fake-state.ts';
export { createAliyunSmsFake, type AliyunSmsFake, type AliyunSmsFakeOptions } from './channels/aliyun-sms-fake.ts';
export { createTencentSmsFake, type TencentSmsFake, type TencentSmsFakeOptions } from './channels/tencent-sms-fake.ts';
export { createWecomSendFake, type WecomSendFake, type WecomSendFakeOptions } from './channels/wecom-send-fake.ts';
export { createWechatOaFake, type WechatOaFake, type WechatOaFakeOptions } from './channels/wechat-oa-fake.ts';
export { createFeishuBotFake, feishuBotSign, type FeishuBotFake, type FeishuBotFakeOptions } from './channels/feishu-bot-fake.ts';
export { createAppWebhookReceiver, type AppWebhookReceiver, type AppWebhookReceiverOptions, type ReceivedWebhook } from './channels/app-webhook-receiver.ts';
export { startChannelFakes, DEFAULT_CHANNEL_FAKES_BASE_PORT, DEFAULT_APP_WEBHOOK_FAKE_PORT, type StartedChannelFakes, type ChannelFakeSettings } from './channels/start-channel-fakes.ts';
export { createSmtpSink, type SmtpSink, type SmtpSinkOptions, type ListeningSmtpSink, type ReceivedMail } from './channels/smtp-sink.ts';
export type { ChannelFake } from './channels/channel-fake-base.ts';
export { createReceiptPusher, type ReceiptPusher, type ReceiptPushOptions, type ReceiptPush } from './channels/receipt-pusher.ts';
export type { FaultKind, FaultRule, FaultHandle } from './channels/fault-injector.ts';
export type { Delivery, DeliveryLedger, DeliveryReport } from './channels/delivery-ledger.ts';
export { createFeishuFake, type FeishuFake, type FeishuFakeOptions } from './feishu/create-feishu-fake.ts';
export type { FeishuInjectionRule, FeishuInjectionKind, FeishuInjectionHandle, FeishuEndpoint } from './feishu/feishu-injection.ts';
export type { FeishuCallsPerSecond } from './feishu/feishu-rate-limits.ts';
export type { FeishuFakeState, FakeBase, FakeTable, FakeField, FakeRecord } from './feishu/feishu-fake-state.ts';
export { FIELD_TYPE } from './feishu/feishu-fake-state.ts';
export { STUDENT_FIELDS, RECORD_FIELDS, type DemoBaseIds, type DemoBaseOptions } from './feishu/seed-demo-base.ts';
export { startFeishuFake, DEFAULT_FEISHU_FAKE_PORT, type StartedFeishuFake } from './feishu/start-feishu-fake.ts';
