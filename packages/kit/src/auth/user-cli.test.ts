import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uniqueSuffix, useTestDatabase } from '../testing/index.ts';
import { buildTestApp, createTestRedis, sessionCookieFrom, type TestApp, type TestRedis } from './auth-test-helpers.ts';

const CLI = fileURLToPath(new URL('./user-cli.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const db = useTestDatabase();
let testRedis: TestRedis;
let service: TestApp;

beforeAll(() => {
  testRedis = createTestRedis('user-cli');
  service = buildTestApp({ pool: db.pool, redis: testRedis.redis });
});

afterAll(async () => {
  await testRedis?.cleanup();
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as the operator would, against this file's database and Redis key space. */
function runCli(args: string[], stdin?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'npx',
      ['tsx', CLI, ...args],
      { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: db.database.url, REDIS_PREFIX: testRedis.keyPrefix }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

describe('user CLI', () => {
  test('when an admin is added, then the user can log in with that password and role', async () => {
    // Arrange
    const username = `cli-${uniqueSuffix()}`;

    // Act
    const result = await runCli(['add', '--username', username, '--password', 'cli password 1', '--role', 'admin', '--display-name', '校长']);

    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`已创建用户 ${username}`);
    const login = await request(service.app).post('/api/auth/login').send({ username, password: 'cli password 1' });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ username, displayName: '校长', role: 'admin' });
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM auth.audit_log WHERE service = 'user-cli' AND action = 'user.create' AND details->>'username' = $1", [username]);
    expect(rows[0].n).toBe(1);
  });

  test('when the password is given as "-", then it is read from standard input and never appears in the arguments', async () => {
    const username = `cli-${uniqueSuffix()}`;

    const result = await runCli(['add', '--username', username, '--password', '-', '--role', 'staff'], 'from stdin 123\nignored\n');
    const empty = await runCli(['add', '--username', `cli-${uniqueSuffix()}`, '--password', '-', '--role', 'staff'], '');

    expect(result.code).toBe(0);
    const login = await request(service.app).post('/api/auth/login').send({ username, password: 'from stdin 123' });
    expect(login.status).toBe(200);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('标准输入');
  });

  test('when the password is shorter than 8 characters, then exit code 2 and the message names --password', async () => {
    // Act
    const result = await runCli(['add', '--username', `cli-${uniqueSuffix()}`, '--password', 'short', '--role', 'staff']);

    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--password');
    expect(result.stderr).toContain('至少需要 8 个字符');
  });

  test('when the role is unknown, then exit code 2 and the message names --role', async () => {
    // Arrange
    const username = `cli-${uniqueSuffix()}`;

    // Act
    const result = await runCli(['add', '--username', username, '--password', 'long enough 1', '--role', 'superuser']);

    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--role');
    expect(result.stderr).toContain('superuser');
    const { rows } = await db.pool.query('SELECT 1 FROM auth.users WHERE username = $1', [username]);
    expect(rows).toHaveLength(0);
  });

  test('when a flag is missing or unknown, then exit code 2 names it and prints the usage', async () => {
    // Act
    const missing = await runCli(['add', '--username', `cli-${uniqueSuffix()}`, '--role', 'staff']);
    const misplaced = await runCli(['list', '--role', 'staff']);
    const unknownCommand = await runCli(['delete', '--username', 'x']);

    // Assert
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--password');
    expect(missing.stderr).toContain('用法');
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('--role');
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain('delete');
  });

  test('when the username exists already or does not exist, then exit code 1 with a clear message', async () => {
    // Arrange
    const username = `cli-${uniqueSuffix()}`;
    await runCli(['add', '--username', username, '--password', 'long enough 1', '--role', 'viewer']);

    // Act
    const duplicate = await runCli(['add', '--username', username.toUpperCase(), '--password', 'long enough 1', '--role', 'viewer']);
    const missingUser = await runCli(['disable', '--username', `ghost-${uniqueSuffix()}`]);

    // Assert
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('已存在');
    expect(missingUser.code).toBe(1);
    expect(missingUser.stderr).toContain('不存在');
  });

  test('when a signed-in user is disabled through the CLI, then their session ends and list shows them inactive', async () => {
    // Arrange
    const username = `cli-${uniqueSuffix()}`;
    await runCli(['add', '--username', username, '--password', 'long enough 1', '--role', 'staff']);
    const login = await request(service.app).post('/api/auth/login').send({ username, password: 'long enough 1' }).expect(200);
    const cookie = sessionCookieFrom(login.headers['set-cookie']);

    // Act
    const disabled = await runCli(['disable', '--username', username]);
    const listed = await runCli(['list']);

    // Assert
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain('结束了 1 个会话');
    await request(service.app).get('/api/ping').set('Cookie', cookie).expect(401);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n').find((line) => line.includes(username))).toMatch(/staff\s+no\s/);
  });

  test('when passwd and role are run, then the new password works and the role changes', async () => {
    // Arrange
    const username = `cli-${uniqueSuffix()}`;
    await runCli(['add', '--username', username, '--password', 'first password', '--role', 'viewer']);

    // Act
    const passwd = await runCli(['passwd', '--username', username, '--password', 'second password']);
    const role = await runCli(['role', '--username', username, '--role', 'staff']);

    // Assert
    expect(passwd.code).toBe(0);
    expect(role.code).toBe(0);
    await request(service.app).post('/api/auth/login').send({ username, password: 'first password' }).expect(401);
    const login = await request(service.app).post('/api/auth/login').send({ username, password: 'second password' }).expect(200);
    expect(login.body.user.role).toBe('staff');
  });
});
