import { createHash } from 'node:crypto';
import { WecomCallbackError } from './callback-error.ts';
import { decrypt } from './callback-crypto.ts';
import { parseEnvelope } from './callback-xml.ts';
import { verifySignature } from './signature.ts';

/**
 * The whole check of one callback request, `GET` (URL verification: `echostr`) or `POST` (an event: the XML body),
 * in the order that spends the least on a forgery: signature (constant time) → decrypt → ReceiveId → timestamp window.
 *
 * Why a refusal, so the service can count each in a metric and answer:
 * - `signature`: `msg_signature` does not sign this ciphertext with our token — a forgery or a wrong token. Checked
 *   before decrypting, so nobody can use our padding check as an oracle without the token.
 * - `malformed`: missing query parameters, a body that is not the envelope, or a ciphertext that does not decrypt.
 * - `receive_id`: it decrypts with our key but names another corp/suite: a key shared between apps or a mix-up.
 * - `stale`: the signed timestamp is outside `windowSeconds` of `now` — a captured request replayed later.
 *
 * Not here: the nonce replay cache. The service must record a nonce only **after** the event is stored durably
 * (and answer 200 only then); recorded earlier, WeCom's retry of a delivery we failed to store would be refused
 * as a replay and the event lost (spec/peer-lessons.md). Dedupe events on `sha256` of the plaintext: for contact
 * events FromUserName is always "sys", so FromUserName + CreateTime (what WeCom's page suggests) drops real events.
 */
export interface VerifyCallbackInput {
  token: string;
  encodingAesKey: string;
  /** our corp id (the suite id for a third-party app) */
  receiveId: string;
  /** the request's query: msg_signature, timestamp, nonce, and echostr for the GET handshake */
  query: Record<string, unknown>;
  /** the raw POST body; absent for the GET handshake */
  body?: string;
  now: Date | number;
  /** how far the signed timestamp may be from `now`, either way */
  windowSeconds: number;
}

export type CallbackRefusal = 'signature' | 'receive_id' | 'stale' | 'malformed';

export type CallbackVerification =
  | {
    ok: true;
    /** the decrypted message: the event XML, or for the handshake the echo text to answer with */
    plaintext: string;
    /** hex sha256 of `plaintext`: the dedupe key to store with the event */
    sha256: string;
    timestamp: number;
    nonce: string;
  }
  | { ok: false; reason: CallbackRefusal; detail: string };

export function verifyCallback(input: VerifyCallbackInput): CallbackVerification {
  const refuse = (reason: CallbackRefusal, detail: string): CallbackVerification => ({ ok: false, reason, detail });
  const { query } = input;
  const timestamp = single(query.timestamp);
  const nonce = single(query.nonce);
  const given = single(query.msg_signature);
  if (timestamp === undefined || nonce === undefined || given === undefined) return refuse('malformed', 'msg_signature, timestamp and nonce are required');
  if (!/^\d{1,12}$/.test(timestamp)) return refuse('malformed', 'timestamp is not unix seconds');

  let encrypt: string | undefined;
  if (input.body === undefined) {
    encrypt = single(query.echostr);
    if (encrypt === undefined) return refuse('malformed', 'echostr is required for the URL check');
  } else {
    try {
      encrypt = parseEnvelope(input.body).encrypt;
    } catch (error) {
      return refuse('malformed', describe(error));
    }
  }

  if (!verifySignature(given, { token: input.token, timestamp, nonce, encrypt })) return refuse('signature', 'msg_signature does not match');

  let decrypted;
  try {
    decrypted = decrypt(input.encodingAesKey, encrypt);
  } catch (error) {
    return refuse('malformed', describe(error));
  }
  if (decrypted.receiveId !== input.receiveId) return refuse('receive_id', 'the message is addressed to another corp or suite');

  const nowSeconds = Math.floor((typeof input.now === 'number' ? input.now : input.now.getTime()) / 1000);
  const signedAt = Number(timestamp);
  if (Math.abs(nowSeconds - signedAt) > input.windowSeconds) return refuse('stale', `signed ${nowSeconds - signedAt} s from now`);

  const sha256 = createHash('sha256').update(decrypted.message, 'utf8').digest('hex');
  return { ok: true, plaintext: decrypted.message, sha256, timestamp: signedAt, nonce };
}

/** A query value given once; `?a=1&a=2` arrives as an array and is refused. */
function single(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function describe(error: unknown): string {
  if (error instanceof WecomCallbackError) return `${error.reason}: ${error.message}`;
  throw error;
}
