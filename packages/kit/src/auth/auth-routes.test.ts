import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uniqueSuffix, useTestDatabase } from '../testing/index.ts';
import { TEST_PASSWORD, buildTestApp, buildTestUser, createTestRedis, sessionCookieFrom, type TestApp, type TestRedis } from './auth-test-helpers.ts';
import { changeActive, changePassword } from './user-admin.ts';

const db = useTestDatabase({ max: 4 });
let testRedis: TestRedis;
let service: TestApp;

beforeAll(() => {
  testRedis = createTestRedis('auth-routes');
  service = buildTestApp({ pool: db.pool, redis: testRedis.redis });
});

afterAll(async () => {
  await testRedis?.cleanup();
});

async function loginAs(username: string, password = TEST_PASSWORD): Promise<string> {
  const response = await request(service.app).post('/api/auth/login').send({ username, password }).expect(200);
  return sessionCookieFrom(response.headers['set-cookie']);
}

describe('POST /api/auth/login', () => {
  test('when a user logs in with the right password, then the answer carries the user and a session cookie that opens /api', async () => {
    // Arrange
    const user = await buildTestUser(db.pool, { role: 'staff', displayName: '王老师' });

    // Act
    const login = await request(service.app).post('/api/auth/login').send({ username: user.username, password: TEST_PASSWORD });
    const cookie = sessionCookieFrom(login.headers['set-cookie']);
    const ping = await request(service.app).get('/api/ping').set('Cookie', cookie);

    // Assert
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ user: { id: user.id, username: user.username, displayName: '王老师', role: 'staff' } });
    const setCookie = (login.headers['set-cookie'] as unknown as string[])[0]!;
    expect(setCookie).toMatch(/^doitcrm_sid=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
    expect(ping.status).toBe(200);
    expect(ping.body.user).toEqual({ id: user.id, username: user.username, displayName: '王老师', role: 'staff' });
  });

  test('when cookieSecure is set, then the session cookie carries Secure', async () => {
    // Arrange
    const secureService = buildTestApp({ pool: db.pool, redis: testRedis.redis, cookieSecure: true });
    const user = await buildTestUser(db.pool);

    // Act
    const login = await request(secureService.app).post('/api/auth/login').send({ username: user.username, password: TEST_PASSWORD });

    // Assert
    expect(login.status).toBe(200);
    expect((login.headers['set-cookie'] as unknown as string[])[0]).toContain('Secure');
  });

  test('when the username is typed in another case, then the login still succeeds', async () => {
    // Arrange
    const user = await buildTestUser(db.pool, { username: `Teacher-${uniqueSuffix()}` });

    // Act
    const login = await request(service.app).post('/api/auth/login').send({ username: user.username.toUpperCase(), password: TEST_PASSWORD });

    // Assert
    expect(login.status).toBe(200);
    expect(login.body.user.username).toBe(user.username);
  });

  test('when the password is wrong or the user unknown, then both get the same 401 body', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);

    // Act
    const wrongPassword = await request(service.app).post('/api/auth/login').send({ username: user.username, password: 'not the password' });
    const unknownUser = await request(service.app).post('/api/auth/login').send({ username: `nobody-${uniqueSuffix()}`, password: 'not the password' });

    // Assert
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownUser.body);
    expect(wrongPassword.body).toMatchObject({ name: 'UnauthorizedError', message: '用户名或密码错误' });
    expect(wrongPassword.headers['set-cookie']).toBeUndefined();
  });

  test('when a field is missing or empty, then 400 names the field', async () => {
    // Arrange
    const app = service.app;

    // Act
    const noUsername = await request(app).post('/api/auth/login').send({ password: 'whatever1' });
    const emptyPassword = await request(app).post('/api/auth/login').send({ username: 'someone', password: '' });
    const nothing = await request(app).post('/api/auth/login').send({});

    // Assert
    expect(noUsername.status).toBe(400);
    expect(noUsername.body).toMatchObject({ name: 'ValidationError', details: [{ field: 'username', message: '请输入用户名' }] });
    expect(emptyPassword.status).toBe(400);
    expect(emptyPassword.body.details).toEqual([{ field: 'password', message: '请输入密码' }]);
    expect(nothing.body.details.map((detail: { field: string }) => detail.field)).toEqual(['username', 'password']);
  });

  test('when a login succeeds or fails, then the audit log records it with the username tried', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);
    const tried = `ghost-${uniqueSuffix()}`;

    // Act
    await request(service.app).post('/api/auth/login').set('User-Agent', 'audit-test-agent').send({ username: user.username, password: TEST_PASSWORD }).expect(200);
    await request(service.app).post('/api/auth/login').send({ username: tried, password: 'wrong password' }).expect(401);

    // Assert
    const { rows } = await db.pool.query(
      `SELECT action, service, user_id::int AS user_id, username, target_type, target_id, ip, user_agent, details
         FROM auth.audit_log WHERE username IN ($1, $2) AND action LIKE 'auth.%' ORDER BY id`,
      [user.username, tried],
    );
    expect(rows).toEqual([
      expect.objectContaining({ action: 'auth.login', service: 'auth-test', user_id: user.id, username: user.username, target_type: 'user', target_id: String(user.id), user_agent: 'audit-test-agent', ip: expect.stringContaining('127.0.0.1') }),
      expect.objectContaining({ action: 'auth.login_failed', user_id: null, username: tried, target_id: null, details: { reason: 'unknown_user' } }),
    ]);
    const { rows: users } = await db.pool.query('SELECT last_login_at FROM auth.users WHERE id = $1', [user.id]);
    expect(users[0].last_login_at).toBeInstanceOf(Date);
  });

  test('when one username fails five times from one IP, then the next attempt gets 429 with Retry-After, even with the right password', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await request(service.app).post('/api/auth/login').send({ username: user.username, password: `wrong-${attempt}` }).expect(401);
    }

    // Act
    const blocked = await request(service.app).post('/api/auth/login').send({ username: user.username, password: TEST_PASSWORD });

    // Assert
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(blocked.body).toMatchObject({ name: 'TooManyRequestsError', message: '登录失败次数过多，请 15 分钟后再试' });
  });

  test('when one IP fails across many usernames, then the per-IP limit blocks it', async () => {
    // Arrange: a small per-IP limit in a key space of its own
    const ownRedis = createTestRedis('auth-routes-ip');
    try {
      const strict = buildTestApp({ pool: db.pool, redis: ownRedis.redis, loginLimits: { failuresPerIp: 3 } });
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await request(strict.app).post('/api/auth/login').send({ username: `spray-${uniqueSuffix()}`, password: 'password1' }).expect(401);
      }

      // Act
      const blocked = await request(strict.app).post('/api/auth/login').send({ username: `spray-${uniqueSuffix()}`, password: 'password1' });

      // Assert
      expect(blocked.status).toBe(429);
      expect(blocked.body.message).toBe('登录失败次数过多，请 1 小时后再试');
    } finally {
      await ownRedis.cleanup();
    }
  });

  test('when a user logs in successfully after a few failures, then the failure count starts again', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await request(service.app).post('/api/auth/login').send({ username: user.username, password: 'wrong password' }).expect(401);
    }
    await loginAs(user.username);

    // Act
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await request(service.app).post('/api/auth/login').send({ username: user.username, password: 'wrong password' }).expect(401);
    }
    const again = await request(service.app).post('/api/auth/login').send({ username: user.username, password: TEST_PASSWORD });

    // Assert
    expect(again.status).toBe(200);
  });

  test('when a disabled user logs in with the right password, then the same generic 401 answers', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);
    await changeActive({ db: db.pool, service: 'auth-test', sessionStore: service.auth.sessionStore }, user.id, false);

    // Act
    const login = await request(service.app).post('/api/auth/login').send({ username: user.username, password: TEST_PASSWORD });

    // Assert
    expect(login.status).toBe(401);
    expect(login.body.message).toBe('用户名或密码错误');
  });
});

describe('requireUser', () => {
  test('when /api is called without a session cookie, then 401', async () => {
    // Act
    const response = await request(service.app).get('/api/ping');

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ name: 'UnauthorizedError' });
  });

  test('when /api is called with a garbage or unknown cookie, then 401', async () => {
    // Act
    const garbage = await request(service.app).get('/api/ping').set('Cookie', 'doitcrm_sid=%E0%A4%A; other=1');
    const unknown = await request(service.app).get('/api/ping').set('Cookie', `doitcrm_sid=${'A'.repeat(43)}`);

    // Assert
    expect(garbage.status).toBe(401);
    expect(unknown.status).toBe(401);
  });

  test('when a script sends the token as a Bearer header, then it is signed in like a browser', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);
    const token = (await loginAs(user.username)).split('=')[1]!;

    // Act
    const response = await request(service.app).get('/api/ping').set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response.status).toBe(200);
    expect(response.body.user.id).toBe(user.id);
  });

  test('when another service of the suite shares the Redis, then the same cookie signs the user in there too', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);
    const cookie = await loginAs(user.username);
    const otherService = buildTestApp({ pool: db.pool, redis: testRedis.redis, service: 'messages' });

    // Act
    const response = await request(otherService.app).get('/api/ping').set('Cookie', cookie);

    // Assert
    expect(response.status).toBe(200);
  });

  test('when a signed-in user is disabled, then their existing session stops working', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);
    const cookie = await loginAs(user.username);
    await request(service.app).get('/api/ping').set('Cookie', cookie).expect(200);

    // Act
    await changeActive({ db: db.pool, service: 'auth-test', sessionStore: service.auth.sessionStore }, user.id, false);
    const response = await request(service.app).get('/api/ping').set('Cookie', cookie);

    // Assert
    expect(response.status).toBe(401);
  });

  test('when a user changes their password, then every session of theirs ends and the new password works', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);
    const firstBrowser = await loginAs(user.username);
    const secondBrowser = await loginAs(user.username);

    // Act
    const { endedSessions } = await changePassword({ db: db.pool, service: 'auth-test', sessionStore: service.auth.sessionStore }, user.id, 'a brand new secret');

    // Assert
    expect(endedSessions).toBe(2);
    await request(service.app).get('/api/ping').set('Cookie', firstBrowser).expect(401);
    await request(service.app).get('/api/ping').set('Cookie', secondBrowser).expect(401);
    await loginAs(user.username, 'a brand new secret');
  });
});

describe('POST /api/auth/logout and GET /api/auth/me', () => {
  test('when a user logs out, then 204 clears the cookie and the old cookie no longer works', async () => {
    // Arrange
    const user = await buildTestUser(db.pool);
    const cookie = await loginAs(user.username);

    // Act
    const logout = await request(service.app).post('/api/auth/logout').set('Cookie', cookie);
    const ping = await request(service.app).get('/api/ping').set('Cookie', cookie);

    // Assert
    expect(logout.status).toBe(204);
    expect((logout.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^doitcrm_sid=; .*Expires=Thu, 01 Jan 1970/);
    expect(ping.status).toBe(401);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM auth.audit_log WHERE action = 'auth.logout' AND user_id = $1", [user.id]);
    expect(rows[0].n).toBe(1);
  });

  test('when /me is asked with and without a session, then it answers the user or 401', async () => {
    // Arrange
    const user = await buildTestUser(db.pool, { role: 'viewer' });
    const cookie = await loginAs(user.username);

    // Act
    const signedIn = await request(service.app).get('/api/auth/me').set('Cookie', cookie);
    const signedOut = await request(service.app).get('/api/auth/me');

    // Assert
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers['cache-control']).toBe('no-store');
    expect(signedIn.body).toEqual({ user: { id: user.id, username: user.username, displayName: '测试老师', role: 'viewer' } });
    expect(signedOut.status).toBe(401);
  });
});

describe('requireRole', () => {
  test('when a viewer, a staff member and an admin call staff and admin routes, then the role order admin > staff > viewer decides', async () => {
    // Arrange
    const [viewer, staff, admin] = await Promise.all([
      buildTestUser(db.pool, { role: 'viewer' }),
      buildTestUser(db.pool, { role: 'staff' }),
      buildTestUser(db.pool, { role: 'admin' }),
    ]);
    const [viewerCookie, staffCookie, adminCookie] = [await loginAs(viewer.username), await loginAs(staff.username), await loginAs(admin.username)];
    const get = (path: string, cookie: string) => request(service.app).get(path).set('Cookie', cookie).then((response) => response.status);

    // Act
    const statuses = {
      viewerStaffArea: await get('/api/staff-area', viewerCookie),
      staffStaffArea: await get('/api/staff-area', staffCookie),
      staffAdminArea: await get('/api/admin-area', staffCookie),
      adminStaffArea: await get('/api/staff-area', adminCookie),
      adminAdminArea: await get('/api/admin-area', adminCookie),
    };

    // Assert
    expect(statuses).toEqual({ viewerStaffArea: 403, staffStaffArea: 200, staffAdminArea: 403, adminStaffArea: 200, adminAdminArea: 200 });
  });
});
