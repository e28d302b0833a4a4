import { randomBytes, randomInt } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { encrypt, getSignature } from '@wecom/crypto';
import { cdata, eventXml, type OutgoingEvent } from './event-xml.ts';

/**
 * WeCom's side of the callback contract (spec §1.10, https://developer.work.weixin.qq.com/document/path/96466):
 * the event XML encrypted by WeCom's own `@wecom/crypto` (random 16-byte prefix, 32-byte PKCS#7, so pads over 16
 * occur), signed, POSTed with `msg_signature`, `timestamp`, `nonce`; a non-200 or no answer within 5 s is a failure,
 * retried with the same envelope, 3 attempts in all.
 */
export interface CallbackSenderOptions {
  /** the receiving service's callback URL */
  url: string;
  token: string;
  /** 43 characters */
  encodingAesKey: string;
  /** the receive id sealed into every message */
  corpId: string;
  agentId?: number | string;
  /** default 5,000 ms, WeCom's patience */
  timeoutMs?: number;
  /** default 3, attempts in all */
  attempts?: number;
  /** pause before a retry; WeCom does not document its gap; default 1,000 ms */
  retryDelayMs?: number;
  /** tests: pad every plaintext to this PKCS#7 pad (1–32) by adding newlines after `</xml>` */
  forcePad?: number;
  now?: () => number;
}

export type AttemptOutcome = number | 'timeout' | 'network';

export interface CallbackAttempt {
  /** 1-based within its delivery */
  attempt: number;
  outcome: AttemptOutcome;
  ms: number;
  nonce: string;
}

export interface CallbackDelivery {
  delivered: boolean;
  attempts: CallbackAttempt[];
  /** the decrypted XML, as the receiver should read it */
  plaintext: string;
  query: { msg_signature: string; timestamp: string; nonce: string };
  body: string;
}

export interface CallbackSender {
  send(event: OutgoingEvent): Promise<CallbackDelivery>;
  /** the GET handshake: ok when the receiver answers 200 with exactly the decrypted echostr */
  verifyUrl(): Promise<{ ok: boolean; outcome: AttemptOutcome; echo: string; answer: string }>;
  /** every delivery so far, oldest first */
  readonly deliveries: readonly CallbackDelivery[];
  /** every attempt of every delivery */
  attempts(): CallbackAttempt[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const digits = (length: number) => Array.from({ length }, () => randomInt(0, 10)).join('');

export function createCallbackSender(options: CallbackSenderOptions): CallbackSender {
  if (!/^https?:\/\//.test(options.url)) throw new TypeError('url must be an http(s) URL');
  if (!options.token) throw new TypeError('token is required');
  if (!/^[A-Za-z0-9+/]{43}$/.test(options.encodingAesKey)) throw new TypeError('encodingAesKey must be 43 base64 characters');
  if (options.forcePad !== undefined && !(Number.isInteger(options.forcePad) && options.forcePad >= 1 && options.forcePad <= 32)) {
    throw new RangeError('forcePad must be an integer in 1–32');
  }
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const attemptsInAll = options.attempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const deliveries: CallbackDelivery[] = [];

  const seal = (plaintext: string) => {
    const timestamp = String(Math.floor(now() / 1000));
    const nonce = digits(10);
    const cipherText = encrypt(options.encodingAesKey, plaintext, options.corpId, randomBytes(16));
    return { cipherText, query: { msg_signature: getSignature(options.token, timestamp, nonce, cipherText), timestamp, nonce } };
  };

  // node's http with kept-alive sockets, not fetch: at the bench's 1,000 deliveries a second fetch (its streams and
  // an AbortSignal timer per request) cost the sending process several ms of CPU a delivery, so on a 2-core box the
  // sender, not the receiver, set the pace
  const target = new URL(options.url);
  const transport = target.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 512 });
  const exchange = (method: 'GET' | 'POST', query: Record<string, string>, body?: string) => new Promise<{ outcome: AttemptOutcome; answer: string; ms: number }>((resolve) => {
    const url = new URL(target);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const started = performance.now();
    const done = (outcome: AttemptOutcome, answer: string) => {
      clearTimeout(timer);
      resolve({ outcome, answer, ms: Math.round(performance.now() - started) });
    };
    const headers: Record<string, string | number> = body === undefined ? {} : { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body) };
    const request = transport.request(url, { method, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => done(response.statusCode as AttemptOutcome, Buffer.concat(chunks).toString('utf8')));
      response.once('error', () => done('network', ''));
    });
    // WeCom's patience is for the whole exchange: no answer within it is a timeout, whatever the socket is doing
    const timer = setTimeout(() => {
      request.destroy();
      done('timeout', '');
    }, timeoutMs);
    request.once('error', () => done('network', ''));
    request.end(body);
  });

  return {
    deliveries,
    attempts: () => deliveries.flatMap((d) => d.attempts),
    async send(event) {
      const plaintext = padTo(eventXml(options.corpId, Math.floor(now() / 1000), event), options.corpId, options.forcePad);
      const { cipherText, query } = seal(plaintext);
      const agent = options.agentId === undefined ? '' : `<AgentID>${cdata(String(options.agentId))}</AgentID>`;
      const body = `<xml><ToUserName>${cdata(options.corpId)}</ToUserName>${agent}<Encrypt>${cdata(cipherText)}</Encrypt></xml>`;
      const delivery: CallbackDelivery = { delivered: false, attempts: [], plaintext, query, body };
      deliveries.push(delivery);
      for (let attempt = 1; attempt <= attemptsInAll && !delivery.delivered; attempt++) {
        if (attempt > 1 && retryDelayMs > 0) await sleep(retryDelayMs);
        const { outcome, ms } = await exchange('POST', query, body);
        delivery.attempts.push({ attempt, outcome, ms, nonce: query.nonce });
        delivery.delivered = outcome === 200;
      }
      return delivery;
    },
    async verifyUrl() {
      const echo = digits(19);
      const { cipherText, query } = seal(echo);
      const { outcome, answer } = await exchange('GET', { ...query, echostr: cipherText });
      return { ok: outcome === 200 && answer === echo, outcome, echo, answer };
    },
  };
}

/** Appends newlines after `</xml>` until the plaintext's PKCS#7 pad (32-byte blocks, spec §1.10) is `pad`. */
function padTo(xml: string, receiveId: string, pad: number | undefined): string {
  if (pad === undefined) return xml;
  const length = 16 + 4 + Buffer.byteLength(xml) + Buffer.byteLength(receiveId);
  const natural = 32 - (length % 32);
  return xml + '\n'.repeat((natural - pad + 32) % 32);
}
