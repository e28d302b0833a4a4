import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { WecomCallbackError } from './callback-error.ts';
import { aesKeyOf, decrypt, encrypt, pkcs7Pad } from './callback-crypto.ts';
import { GO_WORKWX, SPEC } from './callback-vectors.ts';

/** The last plaintext byte of a ciphertext: the PKCS#7 pad length WeCom chose. */
function padOf(encodingAesKey: string, base64: string): number {
  const { key, iv } = aesKeyOf(encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]).at(-1)!;
}

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof WecomCallbackError) return error.reason;
    throw error;
  }
  return 'no error';
}

describe('callback crypto', () => {
  test('when the spec vector (pad 20) is decrypted, then the echo plaintext and the corp id come back', () => {
    // Arrange
    expect(padOf(SPEC.encodingAesKey, SPEC.echostr)).toBe(20);

    // Act
    const decrypted = decrypt(SPEC.encodingAesKey, SPEC.echostr);

    // Assert
    expect(decrypted).toEqual({ message: SPEC.echoPlaintext, receiveId: SPEC.receiveId });
  });

  test('when the spec plaintext is encrypted with its random prefix, then the ciphertext is byte for byte the spec vector', () => {
    // Act
    const cipherText = encrypt(SPEC.encodingAesKey, SPEC.echoPlaintext, SPEC.receiveId, SPEC.random16);

    // Assert
    expect(cipherText).toBe(SPEC.echostr);
  });

  test("when go-workwx's real callback is decrypted, then its text message and receive id come back", () => {
    // Act
    const decrypted = decrypt(GO_WORKWX.encodingAesKey, GO_WORKWX.encrypt);

    // Assert
    expect(decrypted).toEqual({ message: GO_WORKWX.message, receiveId: GO_WORKWX.receiveId });
  });

  test("when go-workwx's message is encrypted again with the random prefix WeCom used, then the ciphertext is byte for byte WeCom's", () => {
    // Arrange: the prefix is the first 16 plaintext bytes of WeCom's own ciphertext
    const { key, iv } = aesKeyOf(GO_WORKWX.encodingAesKey);
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    decipher.setAutoPadding(false);
    const random16 = Buffer.concat([decipher.update(Buffer.from(GO_WORKWX.encrypt, 'base64')), decipher.final()]).subarray(0, 16);

    // Act
    const cipherText = encrypt(GO_WORKWX.encodingAesKey, GO_WORKWX.message, GO_WORKWX.receiveId, random16);

    // Assert
    expect(cipherText).toBe(GO_WORKWX.encrypt);
  });

  test('when messages of every length mod 32 are round-tripped, then each pad 1–32 occurs and decrypts', () => {
    // Arrange
    const pads = new Set<number>();

    // Act
    for (let extra = 0; extra < 32; extra++) {
      const message = `<xml>家长${'x'.repeat(extra)}</xml>`;
      const cipherText = encrypt(SPEC.encodingAesKey, message, SPEC.receiveId);
      pads.add(padOf(SPEC.encodingAesKey, cipherText));
      expect(decrypt(SPEC.encodingAesKey, cipherText)).toEqual({ message, receiveId: SPEC.receiveId });
    }

    // Assert
    expect(pads.size).toBe(32);
  });

  test.each([
    ['a key of 42 characters', SPEC.encodingAesKey.slice(1), SPEC.echostr, 'bad_key'],
    ['a key with a character outside base64', `${SPEC.encodingAesKey.slice(1)}!`, SPEC.echostr, 'bad_key'],
    ['ciphertext that is not base64', SPEC.encodingAesKey, 'not base64 at all!', 'bad_ciphertext'],
    ['ciphertext of a partial block', SPEC.encodingAesKey, Buffer.alloc(20).toString('base64'), 'bad_ciphertext'],
    ['an empty ciphertext', SPEC.encodingAesKey, '', 'bad_ciphertext'],
    ['another corp\'s key', GO_WORKWX.encodingAesKey, SPEC.echostr, 'bad_padding'],
  ])('when decrypting with %s, then a typed error names the problem', (_case, key, cipherText, reason) => {
    // Act + Assert
    expect(reasonOf(() => decrypt(key, cipherText))).toBe(reason);
  });

  test('when one pad byte differs from the others, then decrypt refuses with bad_padding instead of stripping it', () => {
    // Arrange: a plaintext whose last 4 bytes are 04 04 05 04 — a last byte that alone looks like a valid pad
    const { key, iv } = aesKeyOf(SPEC.encodingAesKey);
    const plain = Buffer.concat([pkcs7Pad(Buffer.from('x'.repeat(28)), 32).subarray(0, 28), Buffer.from([4, 4, 5, 4])]);
    const cipherText = encryptRaw(key, iv, plain);

    // Act + Assert
    expect(reasonOf(() => decrypt(SPEC.encodingAesKey, cipherText))).toBe('bad_padding');
  });

  test('when the length field points past the end, then decrypt refuses with bad_length instead of reading garbage', () => {
    // Arrange
    const { key, iv } = aesKeyOf(SPEC.encodingAesKey);
    const header = Buffer.alloc(20);
    header.writeUInt32BE(1_000, 16);
    const cipherText = encryptRaw(key, iv, pkcs7Pad(Buffer.concat([header, Buffer.from('short')])));

    // Act + Assert
    expect(reasonOf(() => decrypt(SPEC.encodingAesKey, cipherText))).toBe('bad_length');
  });
});

function encryptRaw(key: Buffer, iv: Buffer, plain: Buffer): string {
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}
