import { decrypt as officialDecrypt, encrypt as officialEncrypt, getSignature } from '@wecom/crypto';
import { describe, expect, test } from 'vitest';
import { decrypt, encrypt } from './callback-crypto.ts';
import { SPEC } from './callback-vectors.ts';
import { signature } from './signature.ts';

/**
 * `@wecom/crypto` is WeCom's own Node package for this scheme ("加解密库下载与返回码",
 * https://developer.work.weixin.qq.com/document/path/90307). Both directions, over every pad length (1–32, so the
 * 17–32 pads Node's auto-padding chokes on are covered) and Chinese text.
 */
const messages = Array.from({ length: 32 }, (_, extra) =>
  `<xml><ExternalUserID><![CDATA[wm家长张三]]></ExternalUserID>${'x'.repeat(extra)}</xml>`);

describe('callback crypto against @wecom/crypto', () => {
  test('when WeCom\'s package encrypts, then ours decrypts every message of every pad length', () => {
    // Act
    const ours = messages.map((message) => decrypt(SPEC.encodingAesKey, officialEncrypt(SPEC.encodingAesKey, message, SPEC.receiveId)));

    // Assert
    expect(ours).toEqual(messages.map((message) => ({ message, receiveId: SPEC.receiveId })));
  });

  test('when ours encrypts, then WeCom\'s package decrypts every message of every pad length', () => {
    // Act
    const theirs = messages.map((message) => officialDecrypt(SPEC.encodingAesKey, encrypt(SPEC.encodingAesKey, message, SPEC.receiveId)));

    // Assert
    expect(theirs.map(({ message, id }) => ({ message, id }))).toEqual(messages.map((message) => ({ message, id: SPEC.receiveId })));
  });

  test('when both encrypt with the same random prefix, then the ciphertexts are identical, and so are the signatures', () => {
    // Arrange
    const random16 = Buffer.from('0123456789abcdef');
    const message = '<xml><Content><![CDATA[你好，老师]]></Content></xml>';

    // Act
    const ours = encrypt(SPEC.encodingAesKey, message, SPEC.receiveId, random16);
    const theirs = officialEncrypt(SPEC.encodingAesKey, message, SPEC.receiveId, random16);

    // Assert
    expect(ours).toBe(theirs);
    expect(signature(SPEC.token, SPEC.timestamp, SPEC.nonce, ours)).toBe(getSignature(SPEC.token, SPEC.timestamp, SPEC.nonce, theirs));
  });

  test('when WeCom\'s package decrypts the spec vector (pad 20), then it reads what ours reads', () => {
    // Act
    const theirs = officialDecrypt(SPEC.encodingAesKey, SPEC.echostr);

    // Assert
    expect({ message: theirs.message, receiveId: theirs.id }).toEqual(decrypt(SPEC.encodingAesKey, SPEC.echostr));
  });
});
