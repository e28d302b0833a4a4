import { createAliyunSmsFake } from './aliyun-sms-fake.ts';
import { createAppWebhookReceiver } from './app-webhook-receiver.ts';
import { createFeishuBotFake } from './feishu-bot-fake.ts';
import { createSmtpSink } from './smtp-sink.ts';
import { createTencentSmsFake } from './tencent-sms-fake.ts';
import type { ReceiptPushOptions } from './receipt-pusher.ts';
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

function shareFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!(value >= 0 && value <= 1)) problems.push(`${name}: expected a share in [0, 1], got "${text}"`);
  return value;
}

/**
 * Where the SMS fakes push delivery receipts, or null: `FAKE_SMS_RECEIPT_URL` (the receiver's base, e.g.
 * `http://127.0.0.1:5040/api/receipts/sms`; `/aliyun` and `/tencent` are added) with `FAKE_SMS_RECEIPT_TOKEN` as its
 * `token`; `FAKE_SMS_RECEIPT_DELAY_MS` (default 2,000), `FAKE_SMS_RECEIPT_FAIL_SHARE` (default 0.05, 未送达),
 * `FAKE_SMS_RECEIPT_DUPLICATE_SHARE` (default 0.05); receipts arrive out of send order.
 */
function receiptOptions(env: NodeJS.ProcessEnv, problems: string[]): ((provider: 'aliyun' | 'tencent') => ReceiptPushOptions) | null {
  const base = env.FAKE_SMS_RECEIPT_URL;
  if (!base) return null;
  const delayText = env.FAKE_SMS_RECEIPT_DELAY_MS;
  const delayMs = delayText ? Number(delayText) : 2_000;
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 3_600_000) problems.push(`FAKE_SMS_RECEIPT_DELAY_MS: expected ms in [0, 3600000], got "${delayText}"`);
  const failShare = shareFromEnv(env, 'FAKE_SMS_RECEIPT_FAIL_SHARE', 0.05, problems);
  const duplicateShare = shareFromEnv(env, 'FAKE_SMS_RECEIPT_DUPLICATE_SHARE', 0.05, problems);
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    problems.push(`FAKE_SMS_RECEIPT_URL: not a URL: "${base}"`);
    return null;
  }
  return (provider) => {
    const target = new URL(`${url.pathname.replace(/\/$/u, '')}/${provider}`, url);
    if (env.FAKE_SMS_RECEIPT_TOKEN) target.searchParams.set('token', env.FAKE_SMS_RECEIPT_TOKEN);
    return { url: target.toString(), delayMs, failShare, duplicateShare, outOfOrder: true };
  };
}

/**
 * Starts one fake per provider the dispatcher sends through, each with throwaway credentials it makes up:
 * - `CHANNEL_FAKES_PORT` (default 5910; 0 = any free port for each): Aliyun SMS on it, Tencent SMS +1, SMTP sink +2,
 *   WeCom sending (app messages and group robots) +3, WeChat OA +4, Feishu bot +5
 * - `APP_WEBHOOK_FAKE_PORT` (default 5099): the app backend receiving signed webhooks, under `/app-webhook`
 * - `FAKES_HOST` (default 127.0.0.1)
 * - `FAKE_SMS_RECEIPT_*`: the SMS fakes push delivery receipts there (receiptOptions)
 * Returns, per channel, the settings that point the dispatcher at it.
 */
export async function startChannelFakes(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<StartedChannelFakes> {
  const problems: string[] = [];
  const base = portFromEnv(env, 'CHANNEL_FAKES_PORT', DEFAULT_CHANNEL_FAKES_BASE_PORT, problems);
  const webhookPort = portFromEnv(env, 'APP_WEBHOOK_FAKE_PORT', DEFAULT_APP_WEBHOOK_FAKE_PORT, problems);
  if (base > 65_530) problems.push('CHANNEL_FAKES_PORT: the six fakes need it and the five ports after it');
  const receipts = receiptOptions(env, problems);
  if (problems.length > 0) throw new Error(`invalid channel fake configuration:\n  ${problems.join('\n  ')}`);
  const host = env.FAKES_HOST || '127.0.0.1';
  const port = (offset: number) => (base === 0 ? 0 : base + offset);

  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    await Promise.allSettled(closers.map((closeOne) => closeOne()));
  };
  try {
    const aliyun = createAliyunSmsFake(receipts ? { receipts: receipts('aliyun') } : {});
    const aliyunServer = await aliyun.listen(port(0), host);
    closers.push(aliyunServer.close, async () => aliyun.receipts?.close());
    const tencent = createTencentSmsFake(receipts ? { receipts: receipts('tencent') } : {});
    const tencentServer = await tencent.listen(port(1), host);
    closers.push(tencentServer.close, async () => tencent.receipts?.close());
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
    if (receipts) {
      // the URL without its token: the token is the dispatcher's secret
      const { url, delayMs, failShare, duplicateShare } = receipts('aliyun');
      const shown = new URL(url);
      shown.search = '';
      print(`  SMS delivery receipts pushed to ${shown.toString().replace(/aliyun$/u, '{aliyun,tencent}')} ~${delayMs} ms after each send, out of order (${Math.round(failShare! * 100)} % 未送达, ${Math.round(duplicateShare! * 100)} % pushed twice)`);
    }
    return { settings, close };
  } catch (error) {
    await close();
    throw error;
  }
}
