import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * `msg_signature` of a callback: hex sha1 of token, timestamp, nonce and the ciphertext (`Encrypt` or `echostr`),
 * sorted and joined ("加解密方案说明", https://developer.work.weixin.qq.com/document/path/90968; spec §1.10).
 */
export function signature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

/**
 * Compares in constant time, so the time an answer takes says nothing about how many leading characters of a forged
 * signature were right. A signature of the wrong length (or not a string at all) is a mismatch, never a throw.
 */
export function verifySignature(
  given: unknown, parts: { token: string; timestamp: string; nonce: string; encrypt: string },
): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(signature(parts.token, parts.timestamp, parts.nonce, parts.encrypt), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
