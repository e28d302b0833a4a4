import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_ANSWER_BYTES, requestHttp } from '../src/http-request.ts';
import { failure, SHORT_TIMEOUT_MS } from './fixtures.ts';

/** A receiver whose answers a test picks by path: a huge body, a header, a connection dropped mid-answer, no answer. */
let server: http.Server;
let base = '';
const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (req.url === '/huge') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        // 4 MB the caller has no use for: it must stop reading, not buffer it all
        const chunk = 'x'.repeat(64 * 1024);
        let left = 64;
        const more = () => { while (left > 0) { left -= 1; if (!res.write(chunk)) { res.once('drain', more); return; } } res.end(); };
        more();
      } else if (req.url === '/retry-later') {
        res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' }).end('{"error":"slow down"}');
      } else if (req.url === '/drop') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
        setTimeout(() => res.destroy(), 20);
      } else if (req.url === '/hold') {
        setTimeout(() => res.end('late'), 5_000).unref();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => {
  server.closeAllConnections();
  server.close(() => resolve());
}));

const send = requestHttp('app_webhook');
const post = (body = '{"a":"你好"}') => ({ method: 'POST', headers: { 'content-type': 'application/json', 'x-message-id': 'm-1' }, body });

describe('requestHttp (the app webhook\'s transport)', () => {
  test('when the receiver answers 200 with JSON, then status, text and JSON come back and the body and headers went as given', async () => {
    const answer = await send(`${base}/ok`, post(), 2_000);

    expect(answer).toMatchObject({ status: 200, text: '{"ok":true}', json: { ok: true } });
    expect(received.at(-1)).toMatchObject({ body: '{"a":"你好"}', headers: { 'x-message-id': 'm-1', 'content-length': String(Buffer.byteLength('{"a":"你好"}')) } });
  });

  test('when the receiver answers 429 with Retry-After, then the header is readable by name in any case', async () => {
    const answer = await send(`${base}/retry-later`, post(), 2_000);

    expect(answer.status).toBe(429);
    expect(answer.headers.get('Retry-After')).toBe('7');
  });

  test('when the answer\'s body is far larger than anyone reads, then only the first MAX_ANSWER_BYTES are kept', async () => {
    const answer = await send(`${base}/huge`, post(), 2_000);

    expect(answer.status).toBe(500);
    expect(answer.text.length).toBe(MAX_ANSWER_BYTES);
  });

  test('when the connection drops mid-answer, then a transient, ambiguous error (the receiver may have acted)', async () => {
    const error = await failure(send(`${base}/drop`, post(), 2_000));

    expect(error).toMatchObject({ kind: 'transient', ambiguous: true });
  });

  test('when no answer comes within the deadline, then a transient, ambiguous timeout', async () => {
    const started = Date.now();

    const error = await failure(send(`${base}/hold`, post(), SHORT_TIMEOUT_MS));

    expect(error).toMatchObject({ kind: 'transient', code: 'timeout', ambiguous: true });
    expect(Date.now() - started).toBeLessThan(SHORT_TIMEOUT_MS + 1_000);
  });

  test('when nothing listens, then a transient error that is not ambiguous (nothing was sent)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const error = await failure(send(`http://127.0.0.1:${port}/`, post(), 2_000));

    expect(error).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED', ambiguous: false });
  });
});
