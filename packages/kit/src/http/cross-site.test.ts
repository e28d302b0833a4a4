import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Router } from 'express';
import supertest from 'supertest';
import { afterAll, describe, expect, test } from 'vitest';
import { auditFromRequest, recordAudit } from '../auth/audit.ts';
import { baseConfigShape, portShape } from '../config.ts';
import type { ServiceContext } from '../service.ts';
import { TEST_USER_PASSWORD, uniqueSuffix, useTestApp } from '../testing/index.ts';
import { createServiceApp } from './service-app.ts';

// an empty service folder: the app serves no page here
const serviceRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-cross-site-'));

afterAll(() => {
  fs.rmSync(serviceRoot, { recursive: true, force: true });
});

/** One write with a visible effect: each note leaves an audit row named by its text. */
function noteRoutes(context: ServiceContext): Router {
  const router = Router();
  router.post('/notes', async (req, res) => {
    const text = String((req.body as { text?: unknown } | undefined)?.text ?? '');
    await recordAudit(context.pool, auditFromRequest(req, { service: 'kit-test', action: 'kit-test.note', targetType: 'note', targetId: text }));
    res.status(201).json({ text });
  });
  return router;
}

const t = useTestApp(
  'kit-cross-site',
  { ...baseConfigShape, ...portShape(0) },
  (context) => createServiceApp(context, { serviceRoot: pathToFileURL(`${serviceRoot}/`), routes: [noteRoutes(context)],
    docs: { title: '测试服务', description: 'notes', routes: [{ method: 'post', path: '/notes', summary: 'Leave a note', responses: { 201: { description: 'the note' } } }] },
  }),
  { roles: ['staff'], env: { PUBLIC_HOSTS: 'localhost,127.0.0.1,crm.example.cn', PUBLIC_ORIGINS: 'https://school.example.cn' } },
);

async function notesWritten(text: string): Promise<number> {
  const { rows } = await t.context.pool.query<{ count: string }>(
    "SELECT count(*) FROM auth.audit_log WHERE action = 'kit-test.note' AND target_id = $1", [text],
  );
  return Number(rows[0]!.count);
}

async function loginsAudited(username: string): Promise<number> {
  const { rows } = await t.context.pool.query<{ count: string }>(
    "SELECT count(*) FROM auth.audit_log WHERE action IN ('auth.login', 'auth.login_failed') AND username = $1", [username],
  );
  return Number(rows[0]!.count);
}

const postNote = (text: string) => supertest(t.app).post('/api/notes').send({ text });

describe('cross-site writes through a service app', () => {
  test('when another site makes a signed-in browser POST (Origin https://evil.example), then 403 names the origin and nothing is written', async () => {
    // Arrange
    const text = `evil-${uniqueSuffix()}`;

    // Act
    const response = await postNote(text).set('Cookie', t.cookies.staff).set('Origin', 'https://evil.example').set('Sec-Fetch-Site', 'cross-site');

    // Assert
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ name: 'ForbiddenError', message: expect.stringContaining('https://evil.example'), details: [{ field: 'Origin' }] });
    expect(await notesWritten(text)).toBe(0);
  });

  test('when the browser marks the write Sec-Fetch-Site: cross-site, then 403 names that header and nothing is written', async () => {
    // Arrange
    const text = `marked-${uniqueSuffix()}`;

    // Act
    const response = await postNote(text).set('Cookie', t.cookies.staff).set('Sec-Fetch-Site', 'cross-site');

    // Assert
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ message: expect.stringContaining('Sec-Fetch-Site: cross-site'), details: [{ field: 'Sec-Fetch-Site' }] });
    expect(await notesWritten(text)).toBe(0);
  });

  test.each([
    ['another program on a port of our host that is no service port', 'http://127.0.0.1:8081', 'same-site'],
    ['a page whose origin the browser hides (sandboxed frame, redirect)', 'null', 'cross-site'],
    ['a public host at a port that is no service port', 'http://crm.example.cn:8080', 'same-site'],
  ])('when %s sends a write, then 403 and nothing is written', async (_case, origin, site) => {
    // Arrange
    const text = `other-${uniqueSuffix()}`;

    // Act
    const response = await postNote(text).set('Cookie', t.cookies.staff).set('Origin', origin).set('Sec-Fetch-Site', site);

    // Assert
    expect(response.status).toBe(403);
    expect(await notesWritten(text)).toBe(0);
  });

  test('when another site makes the browser PUT, PATCH or DELETE, then each is refused as a POST is', async () => {
    // Act
    const answers = await Promise.all((['put', 'patch', 'delete'] as const).map((method) =>
      supertest(t.app)[method]('/api/notes').set('Cookie', t.cookies.staff).set('Origin', 'https://evil.example')));

    // Assert
    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403]);
  });

  test('when another site makes a browser sign in to the attacker\'s account (login CSRF), then 403, no session cookie and no login', async () => {
    // Arrange
    const username = t.users.staff.username;
    const before = await loginsAudited(username);

    // Act
    const response = await supertest(t.app).post('/api/auth/login').set('Origin', 'https://evil.example').set('Sec-Fetch-Site', 'cross-site')
      .send({ username, password: TEST_USER_PASSWORD });

    // Assert
    expect(response.status).toBe(403);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(await loginsAudited(username)).toBe(before);
  });
});

describe('writes from our own pages and from programs', () => {
  test('when the page POSTs to its own service (same origin), then the write is done', async () => {
    // Arrange: what a browser at http://school-pc.lan:5004 sends
    const text = `own-${uniqueSuffix()}`;

    // Act
    const response = await postNote(text).set('Cookie', t.cookies.staff).set('Host', 'school-pc.lan:5004')
      .set('Origin', 'http://school-pc.lan:5004').set('Sec-Fetch-Site', 'same-origin');

    // Assert
    expect(response.status).toBe(201);
    expect(await notesWritten(text)).toBe(1);
  });

  test.each([
    ['the page of another service on the host the request came to', 'school-pc.lan:5004', 'http://school-pc.lan:5006', 'same-site'],
    ['the page of another service on a public host', '127.0.0.1:5004', 'http://127.0.0.1:5002', 'same-site'],
    // the page is served through a reverse proxy at a listed origin that passes the request on with its own Host
    ['a page at a listed origin (PUBLIC_ORIGINS)', '127.0.0.1:5004', 'https://school.example.cn', 'same-origin'],
  ])('when %s writes, then the write is done', async (_case, host, origin, site) => {
    // Arrange
    const text = `ours-${uniqueSuffix()}`;

    // Act
    const response = await postNote(text).set('Cookie', t.cookies.staff).set('Host', host).set('Origin', origin).set('Sec-Fetch-Site', site);

    // Assert
    expect(response.status).toBe(201);
    expect(await notesWritten(text)).toBe(1);
  });

  test('when the page is served through a TLS reverse proxy on this machine that passes Host and X-Forwarded-Proto on, then its writes are done unlisted', async () => {
    // Arrange: the browser is at https://crm.example.org, which is in neither setting
    const text = `proxied-${uniqueSuffix()}`;

    // Act
    const response = await postNote(text).set('Cookie', t.cookies.staff).set('Host', 'crm.example.org').set('X-Forwarded-Proto', 'https')
      .set('Origin', 'https://crm.example.org').set('Sec-Fetch-Site', 'same-origin');

    // Assert
    expect(response.status).toBe(201);
    expect(await notesWritten(text)).toBe(1);
  });

  test('when a script logs in and writes with a Bearer token, sending neither Origin nor Sec-Fetch-Site, then both work', async () => {
    // Arrange
    const text = `cli-${uniqueSuffix()}`;

    // Act
    const login = await supertest(t.app).post('/api/auth/login').send({ username: t.users.staff.username, password: TEST_USER_PASSWORD });
    const token = /doitcrm_sid=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1];
    const response = await postNote(text).set('Authorization', `Bearer ${token}`);

    // Assert
    expect(login.status).toBe(200);
    expect(response.status).toBe(201);
    expect(await notesWritten(text)).toBe(1);
  });

  test('when a program writes with the session cookie and neither header (no browser page sends that), then the write is done', async () => {
    // Arrange
    const text = `cookie-cli-${uniqueSuffix()}`;

    // Act
    const response = await postNote(text).set('Cookie', t.cookies.staff);

    // Assert
    expect(response.status).toBe(201);
    expect(await notesWritten(text)).toBe(1);
  });

  test('when another site only reads (GET), then the request passes on to the login check: reads are for CORS, not for this guard', async () => {
    // Act
    const response = await supertest(t.app).get('/api/auth/me').set('Cookie', t.cookies.staff).set('Origin', 'https://evil.example').set('Sec-Fetch-Site', 'cross-site');

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the login body limit', () => {
  test('when a login body is larger than 10 kB, then 413 answers before the password is checked: no session, no login audited', async () => {
    // Arrange: the right password, padded past the login limit but within the 1 MB of the other routes
    const username = t.users.staff.username;
    const before = await loginsAudited(username);

    // Act
    const response = await supertest(t.app).post('/api/auth/login').send({ username, password: TEST_USER_PASSWORD, padding: 'x'.repeat(20_000) });

    // Assert
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ name: 'PayloadTooLargeError', message: '请求体过大' });
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(await loginsAudited(username)).toBe(before);
  });
});
