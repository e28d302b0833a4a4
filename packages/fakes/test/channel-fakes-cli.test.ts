import { spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished, test } from 'vitest';
import { startChannelFakes } from '../src/channels/start-channel-fakes.ts';
import { closeWhenTestEnds } from '../src/testing.ts';

describe('channel fakes for npm start', () => {
  test('when started on free ports, then every channel fake answers and the settings pointing at each are announced', async () => {
    // Arrange
    const lines: string[] = [];

    // Act
    const started = closeWhenTestEnds(await startChannelFakes({ CHANNEL_FAKES_PORT: '0', APP_WEBHOOK_FAKE_PORT: '0' }, (line) => lines.push(line)));
    const { settings } = started;
    const wecomToken = await fetch(`${settings.wecom_app.WECOM_SEND_BASE_URL}/cgi-bin/gettoken?corpid=${settings.wecom_app.WECOM_SEND_CORP_ID}&corpsecret=${settings.wecom_app.WECOM_SEND_SECRET}`);
    const oaToken = await fetch(`${settings.wechat_oa.WECHAT_OA_BASE_URL}/cgi-bin/token?grant_type=client_credential&appid=${settings.wechat_oa.WECHAT_OA_APP_ID}&secret=${settings.wechat_oa.WECHAT_OA_APP_SECRET}`);
    const unsignedWebhook = await fetch(settings.app_webhook.APP_WEBHOOK_URL!, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });

    // Assert
    expect(Object.keys(settings).sort()).toEqual(['app_webhook', 'email', 'feishu_bot', 'sms_aliyun', 'sms_tencent', 'wechat_oa', 'wecom_app', 'wecom_robot']);
    expect(((await wecomToken.json()) as { errcode: number }).errcode).toBe(0);
    expect(((await oaToken.json()) as { access_token?: string }).access_token).toEqual(expect.any(String));
    expect(unsignedWebhook.status).toBe(401);
    expect(settings.email).toMatchObject({ SMTP_SECURE: 'false', SMTP_REQUIRE_TLS: 'false' });
    expect(settings.wecom_robot.WECOM_ROBOT_WEBHOOK_URL).toMatch(/\/cgi-bin\/webhook\/send\?key=/);
    expect(lines.join('\n')).toContain('Channel fakes listening');
    expect(lines.join('\n')).not.toContain(settings.sms_aliyun.ALIYUN_SMS_ACCESS_KEY_SECRET!);
  });

  test('when a port is not valid, then the channel fakes refuse to start and name it', async () => {
    const error = await startChannelFakes({ CHANNEL_FAKES_PORT: 'x', APP_WEBHOOK_FAKE_PORT: '70000' }, () => {}).catch((e: unknown) => e);

    expect((error as Error).message).toContain('CHANNEL_FAKES_PORT');
    expect((error as Error).message).toContain('APP_WEBHOOK_FAKE_PORT');
  });

  test('when the fakes CLI starts, then its FAKE line announces the channel fakes beside WeCom and Coze', async () => {
    // Act
    const { announced } = await runCli({ CHANNEL_FAKES_PORT: '0', APP_WEBHOOK_FAKE_PORT: '0' });

    // Assert
    expect(Object.keys(announced)).toEqual(['wecom', 'coze', 'feishu', 'channels']);
    expect(Object.keys(announced.channels!).sort()).toEqual(['app_webhook', 'email', 'feishu_bot', 'sms_aliyun', 'sms_tencent', 'wechat_oa', 'wecom_app', 'wecom_robot']);
  }, 60_000);

  test('when a channel fake\'s port is taken, then the CLI still announces WeCom and Coze, without channels, and says why', async () => {
    // Arrange
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as AddressInfo).port;

    // Act
    const { announced, stderr } = await runCli({ CHANNEL_FAKES_PORT: '0', APP_WEBHOOK_FAKE_PORT: String(port) });

    // Assert
    expect(Object.keys(announced)).toEqual(['wecom', 'coze', 'feishu']);
    expect(stderr).toContain('the channel fakes did not start');
  }, 60_000);
});

/** Runs the fakes CLI on free ports until it prints its FAKE line, then stops it. */
async function runCli(env: Record<string, string>): Promise<{ announced: Record<string, Record<string, unknown>>; stderr: string }> {
  const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli], {
    env: { PATH: process.env.PATH ?? '', WECOM_FAKE_PORT: '0', COZE_FAKE_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const announced = await new Promise<Record<string, Record<string, unknown>>>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no FAKE line: ${buffer} ${stderr}`)), 55_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('FAKE '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(5)) as Record<string, Record<string, unknown>>);
      }
    });
  });
  child.kill('SIGTERM');
  await exited;
  return { announced, stderr };
}
