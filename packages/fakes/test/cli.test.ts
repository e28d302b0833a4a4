import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { closeWhenTestEnds } from '../src/testing.ts';
import { startWecomFake } from '../src/wecom/start-wecom-fake.ts';

describe('WeCom fake CLI', () => {
  test('when started without credentials, then it listens on 127.0.0.1 and prints its URL and freshly generated credentials', async () => {
    // Arrange
    const lines: string[] = [];

    // Act
    const started = closeWhenTestEnds(await startWecomFake({ WECOM_FAKE_PORT: '0' }, (line) => lines.push(line)));
    const answer = await fetch(`${started.url}/cgi-bin/gettoken?corpid=${started.fake.corpId}&corpsecret=${started.fake.secret}`);

    // Assert
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.join('\n')).toContain(`WECOM_BASE_URL=${started.url}`);
    expect(lines.join('\n')).toContain(`WECOM_CORP_ID=${started.fake.corpId}`);
    expect(lines.join('\n')).toContain(`WECOM_SECRET=${started.fake.secret}`);
    expect(started.fake.corpId).toMatch(/^ww[0-9a-f]{16}$/);
    expect(started.fake.secret).toHaveLength(43);
    expect(((await answer.json()) as { errcode: number }).errcode).toBe(0);
  });

  test('when credentials come from the environment, then the fake uses them', async () => {
    // Act
    const started = closeWhenTestEnds(await startWecomFake({
      WECOM_FAKE_PORT: '0', WECOM_FAKE_CORP_ID: 'wwlocaldemo', WECOM_FAKE_SECRET: 'local-demo-contact', WECOM_FAKE_ARCHIVE_SECRET: 'local-demo-archive',
    }, () => {}));

    // Assert
    expect([started.fake.corpId, started.fake.secret, started.fake.archiveSecret]).toEqual(['wwlocaldemo', 'local-demo-contact', 'local-demo-archive']);
  });

  test('when the port or seed is not a valid integer, then it refuses to start and names every problem', async () => {
    // Act
    const error = await startWecomFake({ WECOM_FAKE_PORT: 'abc', WECOM_FAKE_SCHOOL_SEED: '-4' }, () => {}).catch((e: unknown) => e);

    // Assert
    expect((error as Error).message).toContain('WECOM_FAKE_PORT');
    expect((error as Error).message).toContain('WECOM_FAKE_SCHOOL_SEED');
  });

  test('when FAKES_HOST names an address (the compose demo profile), then the fake listens there instead of 127.0.0.1', async () => {
    // Act
    const started = closeWhenTestEnds(await startWecomFake({ WECOM_FAKE_PORT: '0', FAKES_HOST: '127.0.0.2' }, () => {}));
    const answer = await fetch(`${started.url}/cgi-bin/gettoken?corpid=${started.fake.corpId}&corpsecret=${started.fake.secret}`);

    // Assert
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    expect(((await answer.json()) as { errcode: number }).errcode).toBe(0);
  });

  test('when started with NODE_ENV=production, then the fakes refuse to run and say why', () => {
    // Arrange
    const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts');

    // Act
    const run = spawnSync(process.execPath, ['--import', 'tsx', cli], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', WECOM_FAKE_PORT: '0', COZE_FAKE_PORT: '0' }, encoding: 'utf8', timeout: 55_000,
    });

    // Assert
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('refuse to run with NODE_ENV=production');
    expect(run.stdout).not.toContain('FAKE {');
  });
});

describe('fakes CLI: FAKES picks the fakes', () => {
  const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts');

  test('when FAKES names only feishu (npm start -- --only feishu-sync), then only the Bitable fake starts and the FAKE line announces it alone', async () => {
    // Arrange
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', cli], {
      env: { PATH: process.env.PATH ?? '', FAKES: 'feishu', FEISHU_FAKE_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
    });

    try {
      // Act
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = out.split('\n').find((l) => l.startsWith('FAKE '));
          if (found) resolve(found);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const announced = JSON.parse(line.slice('FAKE '.length)) as Record<string, { url: string; appToken: string }>;
      const token = await fetch(`${announced.feishu!.url}/open-apis/auth/v3/tenant_access_token/internal`, { method: 'POST', body: '{}' });

      // Assert
      expect(Object.keys(announced)).toEqual(['feishu']);
      expect(announced.feishu!.appToken).toBeTruthy();
      expect(token.status).toBeLessThan(500);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('when FAKES names a fake that does not exist, then the CLI stops naming it and the fakes there are', () => {
    // Act
    const run = spawnSync(process.execPath, ['--import', 'tsx', cli], { env: { PATH: process.env.PATH ?? '', FAKES: 'feishu,bitable' }, encoding: 'utf8', timeout: 55_000 });

    // Assert
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('FAKES: unknown bitable; the fakes are wecom, coze, feishu, channels');
  });
});

describe('WeCom fake CLI: callbacks', () => {
  test('when the callback URL, token and key come from the environment, then staff actions send there from the start', async () => {
    // Arrange
    const lines: string[] = [];
    const env = {
      WECOM_FAKE_PORT: '0', WECOM_FAKE_CALLBACK_URL: 'http://127.0.0.1:9/api/v1/wecom/callback', WECOM_FAKE_CALLBACK_TOKEN: 'demoToken',
      WECOM_FAKE_CALLBACK_AES_KEY: 'b'.repeat(43),
    };

    // Act
    const started = closeWhenTestEnds(await startWecomFake(env, (line) => lines.push(line)));

    // Assert
    expect(started.fake.callbackSender()).not.toBeNull();
    expect(lines.join('\n')).toContain('go to http://127.0.0.1:9/api/v1/wecom/callback');
  });

  test('when only part of the callback settings is given, then it refuses to start and names what is missing', async () => {
    // Act
    const error = await startWecomFake({ WECOM_FAKE_PORT: '0', WECOM_FAKE_CALLBACK_URL: 'http://127.0.0.1:9/cb' }, () => {}).catch((e: unknown) => e);

    // Assert
    expect((error as Error).message).toContain('WECOM_FAKE_CALLBACK_TOKEN');
    expect((error as Error).message).toContain('WECOM_FAKE_CALLBACK_AES_KEY');
  });
});
