import { createAliyunSmsFake } from './aliyun-sms-fake.ts';
import { createAppWebhookReceiver } from './app-webhook-receiver.ts';
import { createFeishuBotFake } from './feishu-bot-fake.ts';
import { createSmtpSink } from './smtp-sink.ts';
import { createTencentSmsFake } from './tencent-sms-fake.ts';
import { createWechatOaFake } from './wechat-oa-fake.ts';
import { createWecomSendFake } from './wecom-send-fake.ts';

export const DEFAULT_CHANNEL_FAKES_BASE_PORT = 5910;
/** the demo's app-webhook template posts here (services/dispatcher demo templates) */
export const DEFAULT_APP_WEBHOOK_FAKE_PORT = 5099;

/** The dispatcher's channel settings (packages/channels `channelSettingsShape`) that point one channel at its fake. */
export type ChannelFakeSettings = Record<'sms_aliyun' | 'sms_tencent' | 'email' | 'wecom_app' | 'wecom_robot' | 'wechat_oa' | 'feishu_bot' | 'app_webhook', Record<string, string>>;

export interface StartedChannelFakes {
  settings: ChannelFakeSettings;
  close(): Promise<void>;
}

function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) problems.push(`${name}: expected a port in [0, 65535], got "${text}"`);
  return value;
}

/**
 * Starts one fake per provider the dispatcher sends through, each with throwaway credentials it makes up:
 * - `CHANNEL_FAKES_PORT` (default 5910; 0 = any free port for each): Aliyun SMS on it, Tencent SMS +1, SMTP sink +2,
 *   WeCom sending (app messages and group robots) +3, WeChat OA +4, Feishu bot +5
 * - `APP_WEBHOOK_FAKE_PORT` (default 5099): the app backend receiving signed webhooks, under `/app-webhook`
 * - `FAKES_HOST` (default 127.0.0.1)
 * Returns, per channel, the settings that point the dispatcher at it.
 */
export async function startChannelFakes(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<StartedChannelFakes> {
  const problems: string[] = [];
  const base = portFromEnv(env, 'CHANNEL_FAKES_PORT', DEFAULT_CHANNEL_FAKES_BASE_PORT, problems);
  const webhookPort = portFromEnv(env, 'APP_WEBHOOK_FAKE_PORT', DEFAULT_APP_WEBHOOK_FAKE_PORT, problems);
  if (base > 65_530) problems.push('CHANNEL_FAKES_PORT: the six fakes need it and the five ports after it');
  if (problems.length > 0) throw new Error(`invalid channel fake configuration:\n  ${problems.join('\n  ')}`);
  const host = env.FAKES_HOST || '127.0.0.1';
  const port = (offset: number) => (base === 0 ? 0 : base + offset);

  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    await Promise.allSettled(closers.map((closeOne) => closeOne()));
  };
  try {
    const aliyun = createAliyunSmsFake();
    const aliyunServer = await aliyun.listen(port(0), host);
    closers.push(aliyunServer.close);
    const tencent = createTencentSmsFake();
    const tencentServer = await tencent.listen(port(1), host);
    closers.push(tencentServer.close);
    const smtp = createSmtpSink();
    const smtpServer = await smtp.listen(port(2), host);
    closers.push(smtpServer.close);
    const wecom = createWecomSendFake();
    const wecomServer = await wecom.listen(port(3), host);
    closers.push(wecomServer.close);
    const oa = createWechatOaFake();
    const oaServer = await oa.listen(port(4), host);
    closers.push(oaServer.close);
    const feishu = createFeishuBotFake();
    const feishuServer = await feishu.listen(port(5), host);
    closers.push(feishuServer.close);
    const webhook = createAppWebhookReceiver();
    const webhookServer = await webhook.listen(webhookPort, host);
    closers.push(webhookServer.close);

    const settings: ChannelFakeSettings = {
      sms_aliyun: {
        ALIYUN_SMS_ENDPOINT: aliyunServer.url, ALIYUN_SMS_ACCESS_KEY_ID: aliyun.accessKeyId, ALIYUN_SMS_ACCESS_KEY_SECRET: aliyun.accessKeySecret,
        ALIYUN_SMS_SIGN_NAME: 'DoitCRM演示',
      },
      sms_tencent: {
        TENCENT_SMS_ENDPOINT: tencentServer.url, TENCENT_SMS_SECRET_ID: tencent.secretId, TENCENT_SMS_SECRET_KEY: tencent.secretKey,
        TENCENT_SMS_SDK_APP_ID: tencent.smsSdkAppId, TENCENT_SMS_SIGN_NAME: 'DoitCRM演示',
      },
      email: {
        SMTP_HOST: smtpServer.host, SMTP_PORT: String(smtpServer.port), SMTP_SECURE: 'false', SMTP_REQUIRE_TLS: 'false',
        SMTP_USER: smtp.user, SMTP_PASS: smtp.password, SMTP_FROM: 'DoitCRM 演示 <notice@demo.invalid>',
      },
      wecom_app: {
        WECOM_SEND_BASE_URL: wecomServer.url, WECOM_SEND_CORP_ID: wecom.corpId, WECOM_SEND_SECRET: wecom.secret, WECOM_SEND_AGENT_ID: String(wecom.agentId),
      },
      wecom_robot: { WECOM_ROBOT_WEBHOOK_URL: `${wecomServer.url}/cgi-bin/webhook/send?key=${wecom.robotKey}` },
      wechat_oa: { WECHAT_OA_BASE_URL: oaServer.url, WECHAT_OA_APP_ID: oa.appId, WECHAT_OA_APP_SECRET: oa.appSecret },
      feishu_bot: { FEISHU_BOT_WEBHOOK_URL: `${feishuServer.url}/open-apis/bot/v2/hook/${feishu.hookToken}`, FEISHU_BOT_SECRET: feishu.secret },
      app_webhook: { APP_WEBHOOK_URL: `${webhookServer.url}/app-webhook`, APP_WEBHOOK_SECRET: webhook.secret },
    };
    print('Channel fakes listening (throwaway credentials of these fakes, not of any real provider):');
    print(`  SMS Aliyun ${aliyunServer.url}, SMS Tencent ${tencentServer.url}, SMTP sink ${smtpServer.host}:${smtpServer.port} (control ${smtpServer.controlUrl})`);
    print(`  WeCom app + robot ${wecomServer.url}, WeChat OA ${oaServer.url}, Feishu bot ${feishuServer.url}, app webhook ${webhookServer.url}/app-webhook`);
    print('  each counts deliveries per message id and takes injected faults at /__control');
    return { settings, close };
  } catch (error) {
    await close();
    throw error;
  }
}
