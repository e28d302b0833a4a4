// `npm start`: from a fresh clone to a running suite. Plain Node with no dependencies, because it runs before
// `npm install` has.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { needsOf, parseStartArgs, selectServices } from './lib/start-selection.mjs';
import { supervise } from './supervisor.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/doitcrm',
  AMQP_URL: process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672',
  REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
};
const step = (text) => console.log(`\n▶ ${text}`);
const fail = (text) => {
  console.error(`\n✖ ${text}`);
  process.exit(1);
};

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit', ...options });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) fail(`Node.js 20.19 or newer is needed (this is ${process.versions.node}).`);
}

function needsInstall() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(marker)) return true;
  return fs.statSync(path.join(root, 'package-lock.json')).mtimeMs > fs.statSync(marker).mtimeMs;
}

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || defaultPort), timeout: 2000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}

const HOW_TO_START = {
  PostgreSQL: [
    'Debian/Ubuntu:  sudo pg_ctlcluster 15 main start   (or: sudo systemctl start postgresql)',
    'Docker:         docker compose up -d postgres',
  ],
  RabbitMQ: ['Debian/Ubuntu:  sudo rabbitmq-server -detached   (or: sudo systemctl start rabbitmq-server)', 'Docker:         docker compose up -d rabbitmq'],
  Redis: ['Debian/Ubuntu:  redis-server --daemonize yes   (or: sudo systemctl start redis-server)', 'Docker:         docker compose up -d redis'],
};

async function checkServers() {
  const servers = [
    ['PostgreSQL', env.DATABASE_URL, 5432, 'DATABASE_URL'],
    ['RabbitMQ', env.AMQP_URL, 5672, 'AMQP_URL'],
    ['Redis', env.REDIS_URL, 6379, 'REDIS_URL'],
  ];
  const down = [];
  for (const [name, url, port, variable] of servers) {
    if (!(await reachable(url, port))) down.push([name, url, variable]);
  }
  if (down.length === 0) return;
  const lines = down.map(([name, url, variable]) => {
    const redacted = url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
    return `${name} is not reachable at ${redacted} (${variable}). Start it:\n    ${HOW_TO_START[name].join('\n    ')}`;
  });
  fail(`${lines.join('\n\n')}\n\nor point ${down.map(([, , variable]) => variable).join(' / ')} at a running server, then run npm start again.`);
}

function serviceNames() {
  return fs.readdirSync(path.join(root, 'services')).filter((name) => fs.existsSync(path.join(root, 'services', name, 'src', 'start.ts'))).sort();
}

async function waitForHealth(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

/** Children's JSON logs become one readable line each; warnings and errors stand out. `take` may keep a line for itself. */
function relay(name, stream, sink, take = () => false) {
  let buffer = '';
  stream.on('data', (chunk) => {
    buffer += chunk.toString();
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (take(line)) continue;
      let text = line;
      try {
        const entry = JSON.parse(line);
        const level = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }[entry.level] ?? entry.level;
        text = `${level} ${entry.msg ?? ''}${entry.err ? ` — ${entry.err.message ?? ''}` : ''}`;
      } catch {
        // not JSON: pass it on as it is
      }
      sink.write(`[${name.padEnd(13)}] ${text}\n`);
    }
  });
}

/**
 * The dispatcher's channels and the settings that mean "the operator configured a real provider": a channel whose
 * settings name none of these is pointed at its fake. SMS is one group — one real SMS provider beside a fake one would
 * send part of the real traffic into the fake.
 */
const CHANNEL_PROVIDER_SETTINGS = {
  sms: ['ALIYUN_SMS_ACCESS_KEY_ID', 'ALIYUN_SMS_ENDPOINT', 'TENCENT_SMS_SECRET_ID', 'TENCENT_SMS_ENDPOINT'],
  email: ['SMTP_HOST'],
  wecom_app: ['WECOM_SEND_CORP_ID', 'WECOM_SEND_BASE_URL'],
  wecom_robot: ['WECOM_ROBOT_WEBHOOK_URL'],
  wechat_oa: ['WECHAT_OA_APP_ID', 'WECHAT_OA_BASE_URL'],
  feishu_bot: ['FEISHU_BOT_WEBHOOK_URL'],
  app_webhook: ['APP_WEBHOOK_URL', 'APP_WEBHOOK_SECRET'],
};
const CHANNEL_FAKE_GROUPS = { sms: ['sms_aliyun', 'sms_tencent'] };

/** The fakes' settings for the channels the operator left unconfigured, as one env object, and their names. */
function channelFakeEnv(announced) {
  const env = {};
  const used = [];
  for (const [channel, settings] of Object.entries(CHANNEL_PROVIDER_SETTINGS)) {
    if (settings.some((name) => process.env[name])) continue;
    const groups = (CHANNEL_FAKE_GROUPS[channel] ?? [channel]).map((group) => announced?.[group]).filter(Boolean);
    if (groups.length === 0) continue;
    Object.assign(env, ...groups);
    used.push(channel);
  }
  // the webhook guard refuses loopback addresses (SSRF); the local app-backend fake is the one host let through, and
  // only when the operator has not set an allow-list of their own
  if (env.APP_WEBHOOK_URL && !process.env.DISPATCH_WEBHOOK_ALLOW_HOSTS) env.DISPATCH_WEBHOOK_ALLOW_HOSTS = new URL(env.APP_WEBHOOK_URL).host;
  return { env, used };
}

/**
 * The local WeCom, Coze and channel fakes (one process), so the mapper's nickname fetch, the AI summaries and the
 * dispatcher's sends work without a real corp, Coze account or SMS/e-mail/robot provider. Each fake is used only when
 * the operator has configured no service of their own (a corp id without a base URL means the real WeCom; a Coze
 * token without a base URL means the real Coze; a channel's credentials mean its real provider).
 * Resolves to the child and, per fake, the URL and throwaway credentials it announces on its `FAKE {…}` line
 * (null for a fake not used), or null when the process could not start.
 */
/** Real Feishu settings given: feishu-sync talks to that app, and the Bitable fake is not started. */
const FEISHU_SETTINGS = ['FEISHU_BASE_URL', 'FEISHU_APP_ID', 'FEISHU_APP_TOKEN'];

async function startFakes(extraEnv, needed) {
  const cli = path.join('packages', 'fakes', 'src', 'cli.ts');
  const wanted = {
    wecom: needed.includes('wecom') && !(process.env.WECOM_BASE_URL || process.env.WECOM_CORP_ID),
    coze: needed.includes('coze') && !(process.env.COZE_BASE_URL || process.env.COZE_API_TOKEN),
    feishu: needed.includes('feishu') && !FEISHU_SETTINGS.some((name) => process.env[name]),
    channels: needed.includes('channels') && Object.values(CHANNEL_PROVIDER_SETTINGS).some((settings) => !settings.some((name) => process.env[name])),
  };
  const fakeNames = Object.keys(wanted).filter((name) => wanted[name]);
  if (!fs.existsSync(path.join(root, cli)) || fakeNames.length === 0) return null;
  const child = spawn(process.execPath, ['--import', 'tsx', cli], { cwd: root, env: { ...env, ...extraEnv, FAKES: fakeNames.join(',') }, stdio: ['ignore', 'pipe', 'pipe'] });
  const announced = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 60_000);
    relay('fakes', child.stdout, process.stdout, (line) => {
      if (!line.startsWith('FAKE ')) return false;
      clearTimeout(timer);
      try {
        const fakes = JSON.parse(line.slice('FAKE '.length));
        resolve({
          wecom: wanted.wecom ? fakes.wecom ?? null : null,
          coze: wanted.coze ? fakes.coze ?? null : null,
          feishu: wanted.feishu ? fakes.feishu ?? null : null,
          channels: wanted.channels ? channelFakeEnv(fakes.channels) : { env: {}, used: [] },
        });
      } catch {
        resolve(null);
      }
      return true;
    });
    relay('fakes', child.stderr, process.stderr);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
  if (!announced?.wecom?.url && !announced?.coze?.url && !announced?.feishu?.url && !announced?.channels.used.length) {
    child.kill('SIGTERM');
    console.error('[fakes] did not start (see above); the mapper runs without WeCom (nickname fetching is off), AI summaries are off, the dispatcher\'s unconfigured channels are off, feishu-sync has no Feishu');
    return null;
  }
  return { child, ...announced };
}

/**
 * The 接收消息 settings of a made-up app for the demo: the WeCom fake signs and encrypts the callbacks of staff
 * actions with them, and contacts-sync checks them — printed, so anyone can also sign a callback by hand. The
 * operator's own WECOM_TOKEN / WECOM_ENCODING_AES_KEY win (then the fake sends no callbacks).
 */
function demoCallbackSettings(port) {
  if (process.env.WECOM_TOKEN || process.env.WECOM_ENCODING_AES_KEY) return null;
  return {
    WECOM_TOKEN: randomBytes(16).toString('hex'),
    // 32 random bytes in base64 without the trailing "=": WeCom's 43-character EncodingAESKey
    WECOM_ENCODING_AES_KEY: randomBytes(32).toString('base64').slice(0, 43),
    WECOM_AGENT_ID: process.env.WECOM_AGENT_ID || '1000002',
    WECOM_CALLBACK_URL: `http://127.0.0.1:${port}/api/v1/wecom/callback`,
  };
}

/**
 * The demo's customers: when contacts-sync has never completed a sync, one full pass from the WeCom fake (its own
 * command line, in the background, as an operator would run it), so its page is alive on the first start.
 */
function syncDemoContacts(serviceEnv) {
  const cli = path.join('services', 'contacts-sync', 'src', 'cli.ts');
  const status = spawnSync(process.execPath, ['--import', 'tsx', cli, '--mode', 'status'], { cwd: root, env: serviceEnv });
  if (status.status !== 0 || / succeeded /.test(status.stdout.toString())) return;
  console.log('[contacts-sync] first start: a full sync of the demo school\'s customers from the WeCom fake runs in the background');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--mode', 'full'], { cwd: root, env: serviceEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  relay('contacts-sync', child.stdout, process.stdout);
  relay('contacts-sync', child.stderr, process.stderr);
}

async function main() {
  checkNode();
  let only;
  try {
    ({ only } = parseStartArgs(process.argv.slice(2)));
  } catch (error) {
    fail(error.message);
  }
  if (needsInstall()) {
    step('Installing dependencies');
    run('npm', ['install', '--no-audit', '--no-fund']);
  }
  step('Checking PostgreSQL, RabbitMQ and Redis');
  await checkServers();
  step('Building the pages');
  run('npm', ['run', 'build', '--silent']);
  step('Migrating the database');
  run(process.execPath, ['--import', 'tsx', 'db/src/cli.ts']);
  const catalogue = JSON.parse(spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('@doitcrm/types').then(t => console.log(JSON.stringify(t.SERVICES)))"], { cwd: root, env }).stdout.toString());
  const services = Object.fromEntries(catalogue.map((service) => [service.key, service]));
  const portOf = (name) => Number(process.env[`${name.toUpperCase().replace(/-/g, '_')}_PORT`] || services[name]?.port);
  // a service still `planned` in the catalogue (its page or deployment files not there yet) is not started
  let names;
  try {
    names = selectServices({ only, catalogue, available: serviceNames() });
  } catch (error) {
    fail(error.message);
  }
  const needs = needsOf(names);
  if (only) console.log(`\nOnly ${names.join(', ')} (with PostgreSQL, RabbitMQ and Redis)`);

  step(needs.school ? 'Demo school and login' : 'Demo login');
  const demoEnv = { ...env, DEMO_SCHOOL: needs.school ? '1' : '0', DEMO_DISPATCHER: names.includes('dispatcher') ? '1' : '0' };
  const demo = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo-setup.ts'], { cwd: root, env: demoEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  if (demo.status !== 0) fail('demo set-up failed (see above)');
  const demoOutput = demo.stdout.toString();
  process.stdout.write(demoOutput.split('\n').filter((line) => !line.startsWith('LOGIN ')).join('\n'));
  const login = JSON.parse(demoOutput.split('\n').find((line) => line.startsWith('LOGIN '))?.slice(6) ?? 'null');


  step('The fakes of WeCom (企业微信), Coze (扣子), Feishu (飞书多维表格) and the dispatcher\'s channels');
  // the SMS fakes push delivery receipts to the dispatcher like a provider console set up with its receipt URL; the
  // token is made up per run (or the operator's own), handed to both and printed nowhere
  const smsFaked = names.includes('dispatcher') && !CHANNEL_PROVIDER_SETTINGS.sms.some((name) => process.env[name]);
  const receiptToken = process.env.DISPATCH_RECEIPT_TOKEN || randomBytes(24).toString('base64url');
  const receiptEnv = smsFaked
    ? { FAKE_SMS_RECEIPT_URL: `http://127.0.0.1:${portOf('dispatcher')}/api/receipts/sms`, FAKE_SMS_RECEIPT_TOKEN: receiptToken }
    : {};
  const callbackSettings = !(process.env.WECOM_BASE_URL || process.env.WECOM_CORP_ID) ? demoCallbackSettings(portOf('contacts-sync')) : null;
  const callbackFakeEnv = callbackSettings
    ? { WECOM_FAKE_CALLBACK_URL: callbackSettings.WECOM_CALLBACK_URL, WECOM_FAKE_CALLBACK_TOKEN: callbackSettings.WECOM_TOKEN, WECOM_FAKE_CALLBACK_AES_KEY: callbackSettings.WECOM_ENCODING_AES_KEY }
    : {};
  const fakes = await startFakes({ ...receiptEnv, ...callbackFakeEnv }, needs.fakes);
  const wecomFake = fakes?.wecom;
  const cozeFake = fakes?.coze;
  const wecomEnv = wecomFake
    ? { WECOM_BASE_URL: wecomFake.url, WECOM_CORP_ID: wecomFake.corpId, WECOM_SECRET: wecomFake.secret, WECOM_ARCHIVE_SECRET: wecomFake.archiveSecret }
    : {};
  const cozeEnv = cozeFake
    ? { COZE_BASE_URL: cozeFake.url, COZE_API_TOKEN: cozeFake.token, COZE_PARENT_BOT_ID: cozeFake.parentBotId, COZE_TEACHER_BOT_ID: cozeFake.teacherBotId }
    : {};
  const feishuFake = fakes?.feishu;
  const feishuEnv = feishuFake
    ? {
      FEISHU_BASE_URL: feishuFake.url, FEISHU_APP_ID: feishuFake.appId, FEISHU_APP_SECRET: feishuFake.appSecret, FEISHU_APP_TOKEN: feishuFake.appToken,
      FEISHU_STUDENTS_TABLE_ID: feishuFake.studentsTableId, FEISHU_RECORDS_TABLE_ID: feishuFake.recordsTableId,
    }
    : {};
  if (feishuFake) {
    // the fake forgets its tables when it stops: a first run synced into it keeps the page's history alive
    const seeded = spawnSync(process.execPath, ['--import', 'tsx', path.join('services', 'feishu-sync', 'src', 'demo-cli.ts')], {
      cwd: root, env: { ...env, ...feishuEnv }, stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (seeded.status !== 0) console.error('[feishu-sync] the demo sync failed (see above); the page starts with whatever history there is');
  }
  const channelFakes = fakes?.channels ?? { env: {}, used: [] };
  if (channelFakes.used.includes('sms')) channelFakes.env.DISPATCH_RECEIPT_TOKEN = receiptToken;

  // only contacts-sync checks callbacks, only feishu-sync writes to Feishu, and only the dispatcher sends through the channels
  const contactsCallbackEnv = wecomFake && callbackSettings ? callbackSettings : {};
  const serviceEnvOf = (name) => ({
    ...env, ...wecomEnv, ...cozeEnv, ...(name === 'dispatcher' ? channelFakes.env : {}), ...(name === 'contacts-sync' ? contactsCallbackEnv : {}),
    ...(name === 'feishu-sync' ? feishuEnv : {}),
  });

  // every service is supervised: one that exits unexpectedly (a crash, kill -9, the OOM killer) is started again
  // with back-off, and the console says so; Ctrl-C stops supervision first, then the services
  let stopping = false;
  const children = [];
  for (const name of names) {
    const supervised = supervise({
      name,
      spawnChild: () => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join('services', name, 'src', 'start.ts')], {
          cwd: root,
          env: { ...serviceEnvOf(name), PORT: String(portOf(name)) },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        relay(name, child.stdout, process.stdout);
        relay(name, child.stderr, process.stderr);
        return child;
      },
      log: (line) => console.error(line),
    });
    children.push({ name, supervised });
  }
  fakes?.child.on('exit', (code, signal) => {
    if (!stopping) console.error(`[fakes] exited (${signal ?? code}); nickname fetching, AI summaries and the fake Feishu will fail until npm start runs again`);
  });
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping every service…`);
    const fakesExited = !fakes || fakes.child.exitCode !== null || fakes.child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => { fakes.child.once('exit', resolve); fakes.child.kill('SIGTERM'); });
    Promise.all([...children.map(({ supervised }) => supervised.stop('SIGTERM')), fakesExited]).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  step('Waiting for the services');
  const rows = [];
  for (const { name } of children) {
    const info = services[name];
    const port = portOf(name);
    const healthy = await waitForHealth(port, 60_000);
    rows.push(`  ${healthy ? '✔' : '✖'} ${(info?.title ?? name).padEnd(10)} http://localhost:${port}/   (API docs /docs)`);
  }
  console.log(`\nDoitCRM-TS is running:\n${rows.join('\n')}`);
  if (wecomFake) console.log(`\n企业微信：本地模拟服务 ${wecomFake.url}`);
  if (wecomFake && callbackSettings) {
    console.log('客户同步回调（企业微信「接收消息」设置；模拟服务用它们签名、加密员工操作的回调）：');
    for (const [key, value] of Object.entries(callbackSettings)) console.log(`  ${key}=${value}`);
  }
  else if (process.env.WECOM_BASE_URL || process.env.WECOM_CORP_ID) console.log(`\n企业微信：${process.env.WECOM_BASE_URL || 'https://qyapi.weixin.qq.com'}`);
  if (cozeFake) console.log(`扣子：本地模拟服务 ${cozeFake.url}（模拟总结，不调用真实 AI）`);
  else if (process.env.COZE_BASE_URL || process.env.COZE_API_TOKEN) console.log(`扣子：${process.env.COZE_BASE_URL || 'https://api.coze.cn'}`);
  if (feishuFake) {
    console.log(`飞书多维表格：本地模拟服务 ${feishuFake.url}`);
    console.log(`  app_token=${feishuFake.appToken}  学员总表 table_id=${feishuFake.studentsTableId}  学习记录表 table_id=${feishuFake.recordsTableId}`);
  } else if (FEISHU_SETTINGS.some((name) => process.env[name])) console.log(`飞书多维表格：${process.env.FEISHU_BASE_URL || 'https://open.feishu.cn'}`);
  if (channelFakes.used.length > 0) console.log(`消息渠道：本地模拟服务（${channelFakes.used.join('、')}；不会发出真实短信、邮件或消息）`);
  if (wecomFake && children.some(({ name }) => name === 'contacts-sync')) syncDemoContacts(serviceEnvOf('contacts-sync'));
  if (login) console.log(`\nDemo login: ${login.username} / ${login.password}   (${login.note})`);
  console.log('\nCtrl-C stops everything.');
}

main().catch((error) => fail(error?.stack ?? String(error)));
