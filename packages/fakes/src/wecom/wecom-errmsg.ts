import { randomBytes } from 'node:crypto';

/** English texts in the style of the real `errmsg` values; clients must decide on `errcode` only. */
const ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system busy',
  40001: 'invalid credential',
  40003: 'invalid userid',
  40008: 'invalid message type',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40050: 'chatid not found',
  40058: 'invalid parameter',
  40096: 'invalid external userid',
  41001: 'access_token missing',
  41002: 'corpid missing',
  41004: 'corpsecret missing',
  41009: 'missing userid',
  42001: 'access_token expired',
  45009: 'api freq out of limit',
  45033: 'api concurrent out of limit',
  48002: 'api forbidden',
  49008: 'chat has been dismissed',
  60011: 'no privilege to access/modify contact/party/agent',
  60020: 'not allow to access from your ip',
  60111: 'userid not found',
  84061: 'not external contact',
  84074: 'no external contact privilege',
  90501: 'chat is not external group chat',
  81013: 'user & party & tag all invalid',
  93000: 'invalid webhook url',
  301002: 'not allow operate another agent with this accesstoken.',
  301059: 'not inner room',
};

let serial = 0;

/**
 * A real-looking errmsg: text, then a hint id and the caller's IP and a documentation link, as WeCom sends them
 * (the codes: https://developer.work.weixin.qq.com/document/path/90313), so a client that parses errmsg instead of errcode breaks here first.
 */
export function errmsgFor(errcode: number, callerIp: string, nowMs: number, text?: string): string {
  serial = (serial + 1) % 100_000;
  const hint = `${Math.floor(nowMs / 1000)}_${serial}_${randomBytes(8).toString('hex')}`;
  const base = text ?? ERRMSG[errcode] ?? 'error';
  return `${base}, hint: [${hint}], from ip: ${callerIp}, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`;
}

/** Thrown by a handler to answer with a business error (HTTP 200, `{errcode, errmsg}`). */
export class WecomFakeFailure extends Error {
  constructor(readonly errcode: number, readonly text?: string) {
    super(`errcode ${errcode}`);
    this.name = 'WecomFakeFailure';
  }
}
