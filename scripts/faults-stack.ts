// The whole installation `npm run faults` runs its schedule against: its own servers behind stalling proxies,
// the WeCom, Coze and channel fakes in this process, every ready service under the same supervisor as `npm start`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSchool } from '@doitcrm/demo-data';
import {
  createAliyunSmsFake, createAppWebhookReceiver, createTencentSmsFake, createWechatOaFake, createWecomFake, createWecomSendFake, startCozeFake,
  type AliyunSmsFake, type AppWebhookReceiver, type StartedCozeFake, type TencentSmsFake, type WechatOaFake, type WecomFake, type WecomSendFake,
} from '@doitcrm/fakes';
import { startFaultsFeishu, type StartedFeishu } from './faults-feishu.ts';
import { PostgresInstance, RabbitInstance, RedisInstance, assertPortFree } from './faults-instances.ts';
import { StallingProxy } from './faults-proxy.ts';
import { supervise, type Supervised } from './supervisor.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ServiceRun {
  name: string;
  port: number;
  supervised: Supervised;
  /** every log line of every run of the service, with when it came */
  lines: Array<{ at: number; text: string }>;
  restarts: Array<{ at: number; how: string }>;
}

export interface Stack {
  dir: string;
  postgres: PostgresInstance;
  redis: RedisInstance;
  rabbit: RabbitInstance;
  proxies: { postgres: StallingProxy; redis: StallingProxy; rabbit: StallingProxy };
  databaseUrl: string;
  wecom?: { fake: WecomFake; url: string; close(): Promise<void> };
  /** contacts-sync's 接收消息 Token and EncodingAESKey: the fake's sender signs and encrypts its callbacks with them */
  callback?: { token: string; encodingAesKey: string };
  coze?: StartedCozeFake;
  channels?: ChannelFakes;
  /** the Bitable fake feishu-sync writes to */
  feishu?: StartedFeishu;
  services: ServiceRun[];
}

/** The providers the dispatcher sends to in the fault run, each keeping a delivery ledger. */
export interface ChannelFakes {
  aliyun: AliyunSmsFake;
  tencent: TencentSmsFake;
  wecomApp: WecomSendFake;
  wechatOa: WechatOaFake;
  webhook: AppWebhookReceiver;
  /** where templates of the app_webhook channel point (allowed past the SSRF guard by DISPATCH_WEBHOOK_ALLOW_HOSTS) */
  webhookUrl: string;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** the setting a fault-run app_webhook template names as its secret (webhook_secret_ref) */
export const FAULTS_WEBHOOK_SECRET_REF = 'FAULTS_WEBHOOK_SECRET';

const base = Number(process.env.FAULTS_PORT_BASE ?? 55000);
export const PORTS = {
  postgres: base + 432, postgresProxy: base + 433,
  redis: base + 1379, redisProxy: base + 1380,
  rabbit: base + 672, rabbitProxy: base + 674,
  services: {
    etl: base + 2, mapper: base + 4, messages: base + 6, roster: base + 10, dashboard: base + 11, 'feishu-sync': base + 20, 'contacts-sync': base + 30,
    dispatcher: base + 40,
  } as Record<string, number>,
};

export async function startServers(dir: string, say: (line: string) => void): Promise<Stack> {
  const ports = [PORTS.postgres, PORTS.postgresProxy, PORTS.redis, PORTS.redisProxy, PORTS.rabbit, PORTS.rabbit + 1, PORTS.rabbitProxy,
    ...Object.values(PORTS.services)];
  for (const port of ports) await assertPortFree(port, 'npm run faults');
  const postgres = new PostgresInstance('postgres', PORTS.postgres, dir);
  const redis = new RedisInstance('redis', PORTS.redis, dir);
  const rabbit = new RabbitInstance('rabbitmq', PORTS.rabbit, dir);
  const proxies = {
    postgres: new StallingProxy('postgres', PORTS.postgresProxy, PORTS.postgres),
    redis: new StallingProxy('redis', PORTS.redisProxy, PORTS.redis),
    rabbit: new StallingProxy('rabbitmq', PORTS.rabbitProxy, PORTS.rabbit),
  };
  const stack: Stack = {
    dir, postgres, redis, rabbit, proxies, services: [],
    databaseUrl: `postgres://postgres@127.0.0.1:${PORTS.postgresProxy}/doitcrm`,
  };
  say(`starting PostgreSQL :${PORTS.postgres}, Redis :${PORTS.redis} and RabbitMQ :${PORTS.rabbit} of this run in ${dir}`);
  postgres.init();
  rabbit.prepare();
  await Promise.all([postgres.start(), redis.start(), rabbit.start()]);
  for (const proxy of Object.values(proxies)) await proxy.listen();
  return stack;
}

export async function startFakes(stack: Stack): Promise<void> {
  // no injected WeCom errors: every name call the fake logs is then one the mapper meant to make
  const fake = createWecomFake({ school: generateSchool() });
  const server = await fake.listen(0, '127.0.0.1');
  stack.wecom = { fake, url: server.url, close: server.close };
  // staff actions in the fake reach contacts-sync as WeCom's would: signed, encrypted, 3 attempts 1 s apart, 5 s patience
  stack.callback = { token: randomBytes(12).toString('hex'), encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };
  fake.attachCallback({ url: `http://127.0.0.1:${PORTS.services['contacts-sync']}/api/v1/wecom/callback`, ...stack.callback });
  stack.coze = await startCozeFake({ stream: { deltaDelayMs: 5 } });
  stack.channels = await startChannelFakes();
  stack.feishu = await startFaultsFeishu();
}

/**
 * The dispatcher's providers, unthrottled where a limit is the provider's business rule and not the fault under test
 * (SMS per-number caps, account QPS, Tencent's same-content window, which would hide a repeated send as a refusal).
 * WeCom's per-member limit stays as documented (30/min, silently dropped above it): the Redis round checks against it.
 */
async function startChannelFakes(): Promise<ChannelFakes> {
  const unlimited = 1_000_000;
  const aliyun = createAliyunSmsFake({ perNumber: { minute: unlimited, hour: unlimited, day: unlimited }, qps: unlimited });
  const tencent = createTencentSmsFake({ perNumber: { sameContentSeconds: 0, perHour: unlimited, perDay: unlimited }, qps: unlimited });
  const wecomApp = createWecomSendFake({ rateLimit: { calls: unlimited }, maxConcurrent: 10_000 });
  const wechatOa = createWechatOaFake({ dailyLimit: unlimited });
  const webhook = createAppWebhookReceiver();
  const [a, t, w, o, h] = await Promise.all([aliyun, tencent, wecomApp, wechatOa, webhook].map((fake) => fake.listen(0, '127.0.0.1')));
  const hookHost = new URL(h!.url).host;
  return {
    aliyun, tencent, wecomApp, wechatOa, webhook,
    webhookUrl: `${h!.url}/hooks/faults`,
    env: {
      CHANNEL_TIMEOUT_MS: '5000',
      ALIYUN_SMS_ENDPOINT: a!.url, ALIYUN_SMS_ACCESS_KEY_ID: aliyun.accessKeyId, ALIYUN_SMS_ACCESS_KEY_SECRET: aliyun.accessKeySecret, ALIYUN_SMS_SIGN_NAME: '学校通知',
      TENCENT_SMS_ENDPOINT: t!.url, TENCENT_SMS_SECRET_ID: tencent.secretId, TENCENT_SMS_SECRET_KEY: tencent.secretKey,
      TENCENT_SMS_SDK_APP_ID: tencent.smsSdkAppId, TENCENT_SMS_SIGN_NAME: '学校通知',
      WECOM_SEND_BASE_URL: w!.url, WECOM_SEND_CORP_ID: wecomApp.corpId, WECOM_SEND_SECRET: wecomApp.secret, WECOM_SEND_AGENT_ID: String(wecomApp.agentId),
      WECHAT_OA_BASE_URL: o!.url, WECHAT_OA_APP_ID: wechatOa.appId, WECHAT_OA_APP_SECRET: wechatOa.appSecret,
      DISPATCH_WEBHOOK_ALLOW_HOSTS: hookHost, [FAULTS_WEBHOOK_SECRET_REF]: webhook.secret,
      DISPATCH_WORKERS: 'true',
    },
    close: async () => { await Promise.all([a, t, w, o, h].map((listening) => listening!.close())); },
  };
}

export function serviceEnv(stack: Stack): NodeJS.ProcessEnv {
  const { wecom, coze } = stack;
  return {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: stack.databaseUrl,
    AMQP_URL: `amqp://guest:guest@127.0.0.1:${PORTS.rabbitProxy}`,
    REDIS_URL: `redis://127.0.0.1:${PORTS.redisProxy}`,
    AMQP_NAMESPACE: '',
    REDIS_PREFIX: 'doitcrm:',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    UPLOAD_DIR: path.join(stack.dir, 'uploads'),
    ...(wecom ? { WECOM_BASE_URL: wecom.url, WECOM_CORP_ID: wecom.fake.corpId, WECOM_SECRET: wecom.fake.secret, WECOM_ARCHIVE_SECRET: wecom.fake.archiveSecret } : {}),
    ...(stack.callback ? {
      WECOM_TOKEN: stack.callback.token, WECOM_ENCODING_AES_KEY: stack.callback.encodingAesKey,
      // two members a batch: the demo's 16 members with customers make 8 checkpoints, so a kill can fall between them
      CONTACTS_SYNC_MEMBERS_PER_BATCH: '2', CONTACTS_SYNC_INCREMENTAL_CRON: 'off', CONTACTS_SYNC_FULL_CRON: 'off', CONTACTS_CALLBACK_POLL_MS: '500',
    } : {}),
    ...(coze ? { COZE_BASE_URL: coze.url, COZE_API_TOKEN: coze.token, COZE_PARENT_BOT_ID: coze.parentBotId, COZE_TEACHER_BOT_ID: coze.teacherBotId } : {}),
    ...stack.channels?.env,
    ...stack.feishu?.env,
  };
}

export function startServices(stack: Stack, say: (line: string) => void): void {
  const env = serviceEnv(stack);
  for (const [name, port] of Object.entries(PORTS.services)) {
    if (!fs.existsSync(path.join(root, 'services', name, 'src', 'start.ts'))) continue;
    const log = fs.createWriteStream(path.join(stack.dir, `${name}.log`), { flags: 'a' });
    const run: ServiceRun = { name, port, lines: [], restarts: [], supervised: undefined as unknown as Supervised };
    run.supervised = supervise({
      name,
      initialMs: 1_000,
      maxMs: 10_000,
      spawnChild: () => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join('services', name, 'src', 'start.ts')], {
          cwd: root, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'],
        });
        for (const stream of [child.stdout, child.stderr]) {
          let buffer = '';
          stream.on('data', (chunk: Buffer) => {
            log.write(chunk);
            buffer += chunk.toString('utf8');
            const parts = buffer.split('\n');
            buffer = parts.pop() ?? '';
            for (const text of parts) run.lines.push({ at: Date.now(), text });
          });
        }
        return child;
      },
      log: (line) => {
        run.restarts.push({ at: Date.now(), how: line });
        say(line);
      },
    });
    stack.services.push(run);
  }
}

export async function ready(run: ServiceRun): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${run.port}/readyz`, { signal: AbortSignal.timeout(4_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Waits until every service answers /readyz 200; resolves with the seconds it took, or null at the timeout. */
export async function allReady(stack: Stack, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const states = await Promise.all(stack.services.map(ready));
    if (states.every(Boolean)) return (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

export async function stopStack(stack: Stack | undefined, dir: string, say: (line: string) => void): Promise<void> {
  if (stack) {
    await Promise.all(stack.services.map((run) => run.supervised.stop('SIGTERM').catch(() => {})));
    await stack.wecom?.close().catch(() => {});
    await stack.coze?.close().catch(() => {});
    await stack.channels?.close().catch(() => {});
    await stack.feishu?.close().catch(() => {});
    for (const proxy of Object.values(stack.proxies)) await proxy.close().catch(() => {});
    await stack.rabbit.stop().catch(() => {});
    await stack.redis.stop().catch(() => {});
    await stack.postgres.stop().catch(() => {});
  }
  if (process.env.FAULTS_KEEP_DIR) say(`kept ${dir} (FAULTS_KEEP_DIR)`);
  else fs.rmSync(dir, { recursive: true, force: true });
}
