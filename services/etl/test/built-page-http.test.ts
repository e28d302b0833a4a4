import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, useTestApp } from '@doitcrm/kit/testing';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';

// the page as `npm run build` leaves it; the service serves this folder
const webDir = fileURLToPath(new URL('../dist/web/', import.meta.url));
const CHROME = 'gzip, deflate, br, zstd';
const IMMUTABLE = 'public, max-age=31536000, immutable';

const t = useTestApp('etl', etlConfigShape, createEtlApp, { roles: ['staff'] });
let baseUrl = '';
beforeAll(async () => {
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The scripts and styles index.html loads, as the browser will ask for them. */
function pageAssets(): string[] {
  const html = fs.readFileSync(path.join(webDir, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((match) => match[1]!);
}

describe('ETL built page over HTTP', () => {
  it('when a browser opens the page signed out, then it gets the page brotli-encoded and no-cache, while the API still asks for a login', async () => {
    const page = await rawRequest(baseUrl, '/', { 'Accept-Encoding': CHROME });
    const api = await rawRequest(baseUrl, '/api/stats', { 'Accept-Encoding': CHROME });

    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(zlib.brotliDecompressSync(page.body).toString()).toBe(fs.readFileSync(path.join(webDir, 'index.html'), 'utf8'));
    expect(api.status).toBe(401);
  });

  it('when the browser loads each script and style the page names, then each comes as brotli decoding to the built file, with its type, length and a year\'s immutable cache', async () => {
    const assets = pageAssets();
    expect(assets.length).toBeGreaterThanOrEqual(5);

    for (const asset of assets) {
      const built = fs.readFileSync(path.join(webDir, asset));
      const response = await rawRequest(baseUrl, `/${asset}`, { 'Accept-Encoding': CHROME });

      expect(response.status, asset).toBe(200);
      expect(response.headers['cache-control'], asset).toBe(IMMUTABLE);
      expect(response.headers['content-type'], asset).toMatch(asset.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      if (built.length < 1024) {
        expect(response.headers['content-encoding'], asset).toBeUndefined();
        continue;
      }
      expect(response.headers['content-encoding'], asset).toBe('br');
      expect(response.headers.vary, asset).toMatch(/Accept-Encoding/i);
      expect(Number(response.headers['content-length']), asset).toBe(response.body.length);
      expect(Buffer.compare(zlib.brotliDecompressSync(response.body), built), asset).toBe(0);
    }
  });

  it('when the whole page is fetched with brotli, then it moves under a third of the plain bytes', async () => {
    let plain = 0;
    let sent = 0;
    for (const file of ['', ...pageAssets()]) {
      plain += fs.statSync(path.join(webDir, file || 'index.html')).size;
      sent += (await rawRequest(baseUrl, `/${file}`, { 'Accept-Encoding': CHROME })).body.length;
    }

    console.log(`ETL page: ${(plain / 1000).toFixed(1)} kB plain, ${(sent / 1000).toFixed(1)} kB with brotli`);
    expect(sent).toBeLessThan(plain / 3);
  });

  it('when a client takes only gzip, or nothing, then it gets gzip, or the built file itself', async () => {
    const asset = pageAssets().find((file) => file.endsWith('.css'))!;
    const built = fs.readFileSync(path.join(webDir, asset));

    const gzip = await rawRequest(baseUrl, `/${asset}`, { 'Accept-Encoding': 'gzip' });
    const plain = await rawRequest(baseUrl, `/${asset}`);

    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(Buffer.compare(zlib.gunzipSync(gzip.body), built)).toBe(0);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Buffer.compare(plain.body, built)).toBe(0);
  });

  // dist/web/../../ is the service's folder, holding package.json and src/
  it.each([
    '/assets/../../package.json',
    '/assets/../../../package.json',
    '/../../package.json',
    '/assets/%2e%2e/%2e%2e/%2e%2e/package.json',
    '/assets/..%2f..%2f..%2fpackage.json',
    '/%2e%2e/%2e%2e/src/config.ts',
    '/assets/%252e%252e/%252e%252e/%252e%252e/package.json',
  ])('when an attacker asks %s, then it is 404 and nothing of the service\'s own files is sent', async (url) => {
    const response = await rawRequest(baseUrl, url, { 'Accept-Encoding': CHROME });

    expect(response.status).toBe(404);
    expect(response.body.toString()).not.toContain('@doitcrm/etl');
    expect(response.body.toString()).not.toContain('etlConfigShape');
  });
});
