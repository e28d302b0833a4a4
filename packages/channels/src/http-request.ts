import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { ChannelError } from './channel-error.ts';
import type { ChannelName } from './channel-types.ts';
import { BEFORE_SENDING, type HttpAnswer } from './http-call.ts';

export interface HttpRequestInit {
  method: string;
  headers: Record<string, string>;
  body: string;
  /** resolves the host at connect time (an SSRF guard checks every address it hands out); default the system's */
  lookup?: net.LookupFunction;
}

/** One call as the app-webhook adapter makes it; the SSRF guard wraps `requestHttp` in one of these. */
export type HttpRequester = (url: string, init: HttpRequestInit, timeoutMs: number) => Promise<HttpAnswer>;

/** An answer's body is read only for the error message and Retry-After's neighbours: more than this is cut off. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One POST over node:http(s), the answer read as bytes up to MAX_ANSWER_BYTES. `callHttp` goes through fetch, which
 * wraps every answer in a WHATWG Response and reads it back through a web stream: on the webhook path, once per
 * message, that was ~7 % of the dispatcher's CPU. The deadline covers connect, request and the whole answer; errors
 * are classified as callHttp classifies them (a timeout or a connection lost mid-request is ambiguous).
 */
export const requestHttp = (channel: ChannelName): HttpRequester => (url, init, timeoutMs) => new Promise<HttpAnswer>((resolve, reject) => {
  const target = new URL(url);
  let timedOut = false;
  let settled = false;
  const fail = (error: Error & { code?: string }) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (timedOut) {
      reject(new ChannelError({ channel, kind: 'transient', code: 'timeout', message: `no answer within ${timeoutMs} ms`, ambiguous: true, cause: error }));
      return;
    }
    const code = error.code ?? 'network';
    reject(new ChannelError({ channel, kind: 'transient', code, message: error.message, ambiguous: !BEFORE_SENDING.has(code), cause: error }));
  };
  const request = (target.protocol === 'https:' ? https : http).request(target, {
    method: init.method,
    headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
    ...(init.lookup ? { lookup: init.lookup } : {}),
  }, (response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size >= MAX_ANSWER_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
      // enough to tell what happened; the rest is not worth the wait (the socket is not reused)
      if (size >= MAX_ANSWER_BYTES) response.destroy();
    });
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const text = Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
      const headers = response.headers;
      resolve({
        status: response.statusCode ?? 502,
        headers: { get: (name) => { const value = headers[name.toLowerCase()]; return value === undefined ? null : ([] as string[]).concat(value).join(', '); } },
        text,
        json: parseJson(text),
      });
    };
    response.on('end', done);
    // cut off at the limit: what was read is the answer; closed early otherwise: the connection was lost
    response.on('close', () => (size >= MAX_ANSWER_BYTES || response.complete ? done() : fail(Object.assign(new Error('connection lost mid-answer'), { code: 'ECONNRESET' }))));
    response.on('error', (error) => { if (size < MAX_ANSWER_BYTES) fail(error); });
  });
  const timer = setTimeout(() => {
    timedOut = true;
    request.destroy(new Error(`no answer within ${timeoutMs} ms`));
  }, timeoutMs);
  request.on('error', fail);
  request.end(init.body);
});

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
