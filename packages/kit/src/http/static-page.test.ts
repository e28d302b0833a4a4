import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Router, type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UnauthorizedError } from '../errors.ts';
import { captureLogger } from '../kit-test-helpers.ts';
import { createServiceMetrics } from '../metrics.ts';
import { rawRequest } from '../testing/raw-request.ts';
import { createApp } from './app.ts';

// A build as the page build leaves it, inside a folder that also holds a file no request may reach
const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-static-page-'));
const webDir = path.join(sandbox, 'web');
const SECRET = 'DATABASE_URL=postgres://app:hunter2@db/doitcrm';
const script = `export const names = [${Array.from({ length: 400 }, (_, i) => `'学员${i}'`).join(', ')}];\n`;
const html = `<!doctype html><html lang="zh-CN"><head><script type="module" src="./assets/app-Ab12Cd34.js"></script></head><body>${'<p>页面</p>'.repeat(200)}</body></html>`;
const files: Record<string, Buffer> = {
  'index.html': Buffer.from(html),
  'assets/app-Ab12Cd34.js': Buffer.from(script),
  'assets/tiny-Zz99Yy88.css': Buffer.from('body{margin:0}'),
};
fs.mkdirSync(path.join(webDir, 'assets'), { recursive: true });
for (const [name, content] of Object.entries(files)) {
  fs.writeFileSync(path.join(webDir, name), content);
  if (content.length < 1024) continue;
  fs.writeFileSync(path.join(webDir, `${name}.br`), zlib.brotliCompressSync(content));
  fs.writeFileSync(path.join(webDir, `${name}.gz`), zlib.gzipSync(content));
}
fs.writeFileSync(path.join(sandbox, 'package.json'), SECRET);
fs.writeFileSync(path.join(webDir, '.env'), SECRET);

afterAll(() => {
  fs.rmSync(sandbox, { recursive: true, force: true });
});

const requireUser: RequestHandler = (_req, _res, next) => next(new UnauthorizedError());

function buildApp() {
  const { logger } = captureLogger();
  return createApp({
    service: 'kit-static-test',
    logger,
    metrics: createServiceMetrics('kit-static-test'),
    auth: { router: Router(), requireUser },
    readiness: [],
    api: Router(),
    webDir,
    ownOrigins: { PUBLIC_HOSTS: ['localhost', '127.0.0.1'], PUBLIC_ORIGINS: [] },
  });
}

let baseUrl = '';
beforeAll(async () => {
  const server = http.createServer(buildApp());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
});

const get = (url: string, acceptEncoding?: string, extra: Record<string, string> = {}, method = 'GET') =>
  rawRequest(baseUrl, url, { ...(acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding }), ...extra }, method);

const CHROME = 'gzip, deflate, br, zstd';
const IMMUTABLE = 'public, max-age=31536000, immutable';

describe('built page: compression negotiated from Accept-Encoding', () => {
  test('when Chromium asks for a script listing gzip before br, then it gets the brotli file, decoding to the script', async () => {
    const response = await get('/assets/app-Ab12Cd34.js', CHROME);

    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers.vary).toMatch(/Accept-Encoding/i);
    expect(Number(response.headers['content-length'])).toBe(fs.statSync(path.join(webDir, 'assets/app-Ab12Cd34.js.br')).size);
    expect(zlib.brotliDecompressSync(response.body).toString()).toBe(script);
  });

  test('when a client accepts only gzip, or refuses br with q=0, then it gets the gzip file', async () => {
    for (const acceptEncoding of ['gzip', 'br;q=0, gzip', 'gzip;q=0.8, identity;q=0.5']) {
      const response = await get('/assets/app-Ab12Cd34.js', acceptEncoding);

      expect(response.headers['content-encoding'], acceptEncoding).toBe('gzip');
      expect(zlib.gunzipSync(response.body).toString()).toBe(script);
    }
  });

  test('when a client sends no Accept-Encoding, or refuses both, then it gets the plain file with its length, still marked Vary', async () => {
    for (const acceptEncoding of [undefined, 'identity', 'br;q=0, gzip;q=0', 'deflate']) {
      const response = await get('/assets/app-Ab12Cd34.js', acceptEncoding);

      expect(response.status).toBe(200);
      expect(response.headers['content-encoding'], String(acceptEncoding)).toBeUndefined();
      expect(response.headers.vary).toMatch(/Accept-Encoding/i);
      expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(script));
      expect(response.body.toString()).toBe(script);
    }
  });

  test('when a client accepts any encoding with *, then it gets brotli; with *;q=0 and nothing else, the plain file', async () => {
    expect((await get('/assets/app-Ab12Cd34.js', '*')).headers['content-encoding']).toBe('br');
    expect((await get('/assets/app-Ab12Cd34.js', '*;q=0, identity')).headers['content-encoding']).toBeUndefined();
  });

  test('when a file is too small to have been compressed, then it is sent plain, without Vary', async () => {
    const response = await get('/assets/tiny-Zz99Yy88.css', CHROME);

    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(response.headers.vary).toBeUndefined();
    expect(response.body.toString()).toBe('body{margin:0}');
  });
});

describe('built page: caching', () => {
  test('when a hashed file under assets/ is served, then browsers may keep it a year without asking again', async () => {
    for (const url of ['/assets/app-Ab12Cd34.js', '/assets/tiny-Zz99Yy88.css']) {
      expect((await get(url, CHROME)).headers['cache-control'], url).toBe(IMMUTABLE);
    }
  });

  test('when the page itself is served at / or /index.html, then it is compressed and must be revalidated (no-cache), so a deploy shows at once', async () => {
    for (const url of ['/', '/index.html']) {
      const response = await get(url, CHROME);

      expect(response.status).toBe(200);
      expect(response.headers['cache-control'], url).toBe('no-cache');
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['content-encoding']).toBe('br');
      expect(zlib.brotliDecompressSync(response.body).toString()).toBe(html);
    }
  });

  test('when the browser revalidates with the ETag it holds, then it gets 304 without a body', async () => {
    const first = await get('/', CHROME);

    const again = await get('/', CHROME, { 'If-None-Match': String(first.headers.etag) });

    expect(again.status).toBe(304);
    expect((again.body).length).toBe(0);
  });

  test('when the helmet headers are looked for on a page file, then they are still sent', async () => {
    const response = await get('/', CHROME);

    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('built page: ranges and HEAD', () => {
  test('when a client asks a byte range of a brotli-encoded script, then it gets 206 with that range of the encoded file', async () => {
    const encoded = fs.readFileSync(path.join(webDir, 'assets/app-Ab12Cd34.js.br'));

    const response = await get('/assets/app-Ab12Cd34.js', 'br', { Range: 'bytes=0-99' });

    expect(response.status).toBe(206);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-range']).toBe(`bytes 0-99/${encoded.length}`);
    expect(Buffer.compare(response.body, encoded.subarray(0, 100))).toBe(0);
  });

  test('when a client asks a range past the end, then it gets 416', async () => {
    const response = await get('/assets/app-Ab12Cd34.js', 'identity', { Range: 'bytes=999999-' });

    expect(response.status).toBe(416);
    expect(response.headers['content-range']).toBe(`bytes */${Buffer.byteLength(script)}`);
  });

  test('when a client sends HEAD, then it gets the headers and length of what GET would send, and no body', async () => {
    const response = await get('/assets/app-Ab12Cd34.js', 'gzip', {}, 'HEAD');

    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(Number(response.headers['content-length'])).toBe(fs.statSync(path.join(webDir, 'assets/app-Ab12Cd34.js.gz')).size);
    expect(response.headers['cache-control']).toBe(IMMUTABLE);
    expect(response.body.length).toBe(0);
  });
});

describe('built page: nothing outside the build, and no stray files', () => {
  const attempts = [
    '/assets/../../package.json',
    '/../package.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%2E%2E%2F%2E%2E%2Fpackage.json',
    '/assets/%252e%252e/%252e%252e/package.json',
    '/assets/..%5c..%5cpackage.json',
    '/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json',
    '/assets/app-Ab12Cd34.js%00.html',
    '/.env',
    '/assets/%2e%2e/.env',
  ];

  test.each(attempts)('when an attacker asks %s, then it is 404 and no byte of the file outside is sent', async (url) => {
    for (const acceptEncoding of [CHROME, 'identity']) {
      const response = await get(url, acceptEncoding);

      expect(response.status, `${url} (${acceptEncoding})`).toBe(404);
      expect(response.body.toString()).not.toContain('hunter2');
      expect(response.headers['content-encoding']).toBeUndefined();
    }
  });

  test('when someone asks for a precompressed file by its own name, then it is 404 (only negotiation reaches it)', async () => {
    for (const url of ['/assets/app-Ab12Cd34.js.br', '/assets/app-Ab12Cd34.js.gz', '/index.html.br']) {
      expect((await get(url, CHROME)).status, url).toBe(404);
    }
  });

  test('when a missing asset is asked for with br accepted, then the 404 is plain JSON, not marked as brotli or immutable', async () => {
    const response = await get('/assets/gone-00000000.js', CHROME);

    expect(response.status).toBe(404);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['cache-control']).not.toBe(IMMUTABLE);
    expect(JSON.parse(response.body.toString())).toMatchObject({ name: 'NotFoundError' });
  });
});
