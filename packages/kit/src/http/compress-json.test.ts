import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compressJsonAnswers } from './compress-json.ts';

// 50 rows as a page's list asks for them: ~5 kB of JSON
const rows = Array.from({ length: 50 }, (_, index) => ({ originalId: `wm-external-${index}`, displayName: `家长 ${index}`, role: 'parent' }));

let baseUrl = '';
let server: http.Server;
beforeAll(async () => {
  const app = express();
  app.use(compressJsonAnswers);
  app.get('/rows', (_req, res) => { res.json({ items: rows }); });
  app.get('/small', (_req, res) => { res.json({ ok: true }); });
  app.get('/csv', (_req, res) => { res.type('text/csv').send('a,b\n'.repeat(1000)); });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** The answer as it crossed the wire: no client-side decoding. */
function rawGet(path: string, acceptEncoding?: string): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding };
    http.get(`${baseUrl}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('compressJsonAnswers', () => {
  test('when a browser that accepts brotli and gzip asks for a list, then the JSON arrives as brotli, a fraction of its size, and decodes to the same rows', async () => {
    // Act
    const answer = await rawGet('/rows', 'gzip, deflate, br, zstd');
    // Assert
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers.vary).toMatch(/Accept-Encoding/i);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const plain = JSON.stringify({ items: rows });
    expect(answer.body.length).toBeLessThan(plain.length / 4);
    expect(JSON.parse(zlib.brotliDecompressSync(answer.body).toString())).toEqual({ items: rows });
  });

  test('when a client accepts only gzip, then it gets gzip; when it names no encoding, then plain JSON', async () => {
    // Act
    const gzipped = await rawGet('/rows', 'gzip');
    const plain = await rawGet('/rows');
    // Assert
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(gzipped.body).toString())).toEqual({ items: rows });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString())).toEqual({ items: rows });
  });

  test('when the answer is smaller than a packet or is not JSON, then it is sent as it is', async () => {
    // Act
    const small = await rawGet('/small', 'br');
    const csv = await rawGet('/csv', 'br');
    // Assert
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString())).toEqual({ ok: true });
    expect(csv.headers['content-encoding']).toBeUndefined();
    expect(csv.body.toString()).toBe('a,b\n'.repeat(1000));
  });
});
