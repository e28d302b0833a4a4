import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { callbackSignature, encryptCallback } from '@doitcrm/wecom';

/** Callback credentials of one test file: a token and a 43-character EncodingAESKey, random each run. */
export function callbackSecrets() {
  return { token: randomBytes(12).toString('hex'), encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };
}

/**
 * The service listening on a loopback port behind a small proxy that can replace the service's answers with 500:
 * the service has done its work, WeCom sees a failure and retries (a lost answer).
 */
export async function listenBehindProxy(app: Express) {
  const service = http.createServer(app);
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const servicePort = (service.address() as AddressInfo).port;
  const state = { failAnswers: 0 };
  const proxy = http.createServer((req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: servicePort, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        if (state.failAnswers > 0) {
          state.failAnswers -= 1;
          res.writeHead(500).end('forced failure');
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
      });
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    serviceUrl: `http://127.0.0.1:${servicePort}`,
    proxyUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    state,
    close: async () => {
      await new Promise((resolve) => proxy.close(resolve));
      await new Promise((resolve) => service.close(resolve));
    },
  };
}

/** A signed envelope made by hand, for what the fake's honest sender never sends (forgeries, replays, stale ones). */
export function envelope(secrets: { token: string; encodingAesKey: string }, plaintext: string, options: { receiveId: string; timestamp?: number; nonce?: string; token?: string }) {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(5).toString('hex');
  const encrypt = encryptCallback(secrets.encodingAesKey, plaintext, options.receiveId);
  const msgSignature = callbackSignature(options.token ?? secrets.token, timestamp, nonce, encrypt);
  return {
    query: { msg_signature: msgSignature, timestamp, nonce },
    encrypt,
    body: `<xml><ToUserName><![CDATA[${options.receiveId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  };
}

export const eventPlaintext = (corpId: string, event: string, changeType: string, fields = '') =>
  `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime>`
  + `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event><ChangeType><![CDATA[${changeType}]]></ChangeType>${fields}</xml>`;

export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
