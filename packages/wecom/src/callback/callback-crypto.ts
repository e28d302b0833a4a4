import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { WecomCallbackError } from './callback-error.ts';

/**
 * The callback cipher (spec §1.10, "加解密方案说明" https://developer.work.weixin.qq.com/document/path/90968):
 * AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padding to **32-byte**
 * blocks, plaintext = random(16) ‖ uint32 BE length ‖ message ‖ receiveid.
 * Node's own padding check accepts pads of 1–16 only and throws "bad decrypt" on WeCom's 17–32, so padding is
 * switched off and done here.
 */
const PAD_BLOCK = 32;
const RANDOM_BYTES = 16;
const HEADER_BYTES = RANDOM_BYTES + 4;
const AES_BLOCK = 16;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface DecryptedCallback {
  message: string;
  /** the corp id for a self-built app (the suite id for a third-party one) */
  receiveId: string;
}

export function aesKeyOf(encodingAesKey: string): { key: Buffer; iv: Buffer } {
  // Buffer.from(…, 'base64') skips characters it does not know, so the alphabet is checked first
  if (typeof encodingAesKey !== 'string' || !/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new WecomCallbackError('bad_key', 'the EncodingAESKey must be 43 base64 characters');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  return { key, iv: key.subarray(0, AES_BLOCK) };
}

export function pkcs7Pad(data: Buffer, block = PAD_BLOCK): Buffer {
  const pad = block - (data.length % block);
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

/** Strips a 1–32 byte pad after checking every pad byte, so a wrong key or flipped bytes fail here by name. */
export function pkcs7Unpad(data: Buffer, block = PAD_BLOCK): Buffer {
  const pad = data.at(-1) ?? 0;
  if (pad < 1 || pad > block || pad > data.length) throw new WecomCallbackError('bad_padding', `pad byte ${pad} is outside 1–${block}`);
  for (let i = data.length - pad; i < data.length; i++) {
    if (data[i] !== pad) throw new WecomCallbackError('bad_padding', 'the pad bytes differ');
  }
  return data.subarray(0, data.length - pad);
}

export function decrypt(encodingAesKey: string, base64: string): DecryptedCallback {
  const { key, iv } = aesKeyOf(encodingAesKey);
  if (typeof base64 !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw new WecomCallbackError('bad_ciphertext', 'not base64');
  }
  const cipherText = Buffer.from(base64, 'base64');
  if (cipherText.length === 0 || cipherText.length % AES_BLOCK !== 0) {
    throw new WecomCallbackError('bad_ciphertext', `${cipherText.length} bytes is not a whole number of AES blocks`);
  }
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  decipher.setAutoPadding(false);
  const content = pkcs7Unpad(Buffer.concat([decipher.update(cipherText), decipher.final()]));
  if (content.length < HEADER_BYTES) throw new WecomCallbackError('bad_length', 'shorter than the random prefix and length field');
  const length = content.readUInt32BE(RANDOM_BYTES);
  if (length > content.length - HEADER_BYTES) throw new WecomCallbackError('bad_length', `length field ${length} runs past the end`);
  try {
    return {
      message: utf8.decode(content.subarray(HEADER_BYTES, HEADER_BYTES + length)),
      receiveId: utf8.decode(content.subarray(HEADER_BYTES + length)),
    };
  } catch (error) {
    throw new WecomCallbackError('bad_utf8', 'the plaintext is not UTF-8', { cause: error });
  }
}

/** `random16` is for tests and vectors; WeCom uses fresh random bytes for every message. */
export function encrypt(encodingAesKey: string, message: string, receiveId: string, random16: Buffer = randomBytes(RANDOM_BYTES)): string {
  const { key, iv } = aesKeyOf(encodingAesKey);
  if (random16.length !== RANDOM_BYTES) throw new RangeError(`random16 must be ${RANDOM_BYTES} bytes`);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  cipher.setAutoPadding(false);
  const plain = pkcs7Pad(Buffer.concat([random16, length, body, Buffer.from(receiveId, 'utf8')]));
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}
