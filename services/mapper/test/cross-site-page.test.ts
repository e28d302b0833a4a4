import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishJob, listJobs, type ServiceContext } from '@doitcrm/kit';
import { TEST_USER_PASSWORD, useTestPage, waitFor } from '@doitcrm/kit/testing';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape, type MapperConfig } from '../src/config.ts';

// The finding: a page on another origin made a signed-in staff member's browser start a mapper extraction (202).
// Cookies are not port-scoped and SameSite=Lax treats every port of a host as the same site, so the attacker's page
// here is served from another port of 127.0.0.1, the closest a test gets to "some other program on the school's server".

interface SeenExtract { origin: string | undefined; withSession: boolean; status: number }
const seenExtracts: SeenExtract[] = [];

/**
 * The mapper's app behind a recorder of what reached POST /api/extract and how it was answered: the browser keeps
 * the answer to the attacker's fetch from its script, and from the test with it.
 */
function recordedMapperApp(context: ServiceContext<MapperConfig>) {
  const app = express();
  app.use('/api/extract', (req, res, next) => {
    res.on('finish', () => seenExtracts.push({ origin: req.get('origin'), withSession: /doitcrm_sid=/.test(req.get('cookie') ?? ''), status: res.statusCode }));
    next();
  });
  app.use(createMapperApp(context));
  return app;
}

const t = useTestPage('mapper', mapperConfigShape, recordedMapperApp);

let attacker: http.Server;
let attackerUrl: string;

/** The attacker's pages: one auto-submits a form, one fires a fetch, both at the mapper's extraction. */
function attackerPage(path: string): string {
  const target = `${t.baseUrl}/api/extract`;
  if (path === '/form') {
    return `<!doctype html><form method="POST" action="${target}"><input name="x" value="1"></form><script>document.forms[0].submit()</script>`;
  }
  // a text/plain body keeps it a "simple" request: the browser sends it without asking first (no CORS preflight)
  return `<!doctype html><script>fetch(${JSON.stringify(target)}, { method: 'POST', credentials: 'include', body: 'x' })</script>`;
}

beforeAll(async () => {
  attacker = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(attackerPage(req.url ?? '/'));
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => attacker?.close(resolve));
});

async function extractionJobs(): Promise<number> {
  const { rows } = await t.context.pool.query<{ count: string }>("SELECT count(*) FROM ops.jobs WHERE type = 'mapper.extract'");
  return Number(rows[0]!.count);
}

/** Ends the extractions earlier tests left queued (no consumer runs here): the mapper runs one at a time, so a request would only follow a queued one. */
async function noExtractionRunning(): Promise<void> {
  for (const job of await listJobs(t.context.pool, { types: ['mapper.extract'], limit: 100 })) {
    await finishJob(t.context.pool, job.id, { status: 'cancelled' });
  }
}

async function signedInPage(): Promise<Page> {
  const page = await t.browser.newPage({ viewport: { width: 1366, height: 800 } });
  await t.logIn(page);
  await page.getByText('用户总数').waitFor();
  return page;
}

/** Opens the attacker's page in the signed-in browser; resolves with what the mapper saw of the request it sent. */
async function visitAttacker(page: Page, path: '/form' | '/fetch'): Promise<SeenExtract> {
  const seenBefore = seenExtracts.length;
  await page.goto(`${attackerUrl}${path}`);
  return waitFor(`the attacker's ${path} page to send something to the mapper`, () => seenExtracts[seenBefore], { timeoutMs: 10_000, intervalMs: 50 });
}

describe('mapper: writes from another site\'s page, in Chromium', () => {
  it.each([
    ['auto-submits a form', '/form'],
    ['fires a fetch', '/fetch'],
  ] as const)('when a page on another origin %s to start an extraction in a signed-in browser, then 403 and no job starts', async (_case, path) => {
    // Arrange
    const page = await signedInPage();
    await noExtractionRunning();
    const before = await extractionJobs();

    // Act
    const answer = await visitAttacker(page, path);

    // Assert
    expect(answer).toEqual({ origin: attackerUrl, withSession: true, status: 403 });
    expect(await extractionJobs()).toBe(before);
    await page.close();
  });

  it('when staff start an extraction from the mapper page itself, then it starts (the page\'s own writes still pass)', async () => {
    // Arrange
    const page = await signedInPage();
    await noExtractionRunning();
    const before = await extractionJobs();

    // Act
    await page.getByRole('button', { name: '提取 ID（不覆盖）' }).click();
    const started = page.waitForResponse((response) => response.url() === `${t.baseUrl}/api/extract`);
    await page.getByRole('button', { name: '开始提取' }).click();
    const response = await started;

    // Assert
    expect(response.status()).toBe(202);
    expect(await extractionJobs()).toBe(before + 1);
    await page.close();
  });
});

describe('mapper: the reported request, over HTTP', () => {
  async function sessionToken(): Promise<string> {
    const login = await fetch(`${t.baseUrl}/api/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: t.username, password: TEST_USER_PASSWORD }),
    });
    const token = /doitcrm_sid=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    if (login.status !== 200 || !token) throw new Error(`login failed: ${login.status}`);
    return token;
  }

  it('when a signed-in browser sends POST /api/extract with Origin https://evil.example, then 403 names the origin and no job starts', async () => {
    // Arrange
    const token = await sessionToken();
    await noExtractionRunning();
    const before = await extractionJobs();

    // Act
    const response = await fetch(`${t.baseUrl}/api/extract`, { method: 'POST', headers: { Cookie: `doitcrm_sid=${token}`, Origin: 'https://evil.example' } });

    // Assert
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toContain('https://evil.example');
    expect(await extractionJobs()).toBe(before);
  });

  it('when a script starts an extraction with a Bearer token and no Origin, then it starts', async () => {
    // Arrange
    const token = await sessionToken();
    await noExtractionRunning();
    const before = await extractionJobs();

    // Act
    const response = await fetch(`${t.baseUrl}/api/extract`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });

    // Assert
    expect(response.status).toBe(202);
    expect(await extractionJobs()).toBe(before + 1);
  });
});
