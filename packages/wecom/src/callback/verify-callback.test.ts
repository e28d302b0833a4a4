import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { encrypt } from './callback-crypto.ts';
import { GO_WORKWX, SPEC } from './callback-vectors.ts';
import { signature } from './signature.ts';
import { verifyCallback, type VerifyCallbackInput } from './verify-callback.ts';

const at = (seconds: string) => Number(seconds) * 1000;
const handshake = (overrides: Partial<VerifyCallbackInput> = {}): VerifyCallbackInput => ({
  token: SPEC.token,
  encodingAesKey: SPEC.encodingAesKey,
  receiveId: SPEC.receiveId,
  query: { msg_signature: SPEC.msgSignature, timestamp: SPEC.timestamp, nonce: SPEC.nonce, echostr: SPEC.echostr },
  now: at(SPEC.timestamp),
  windowSeconds: 300,
  ...overrides,
});
const goWorkwxPost = (overrides: Partial<VerifyCallbackInput> = {}): VerifyCallbackInput => ({
  token: GO_WORKWX.token,
  encodingAesKey: GO_WORKWX.encodingAesKey,
  receiveId: GO_WORKWX.receiveId,
  query: { msg_signature: GO_WORKWX.msgSignature, timestamp: GO_WORKWX.timestamp, nonce: GO_WORKWX.nonce },
  body: GO_WORKWX.body,
  now: new Date(at(GO_WORKWX.timestamp) + 30_000),
  windowSeconds: 300,
  ...overrides,
});

describe('verifyCallback', () => {
  test('when the spec URL check arrives, then the echo plaintext comes back to answer with', () => {
    // Act
    const result = verifyCallback(handshake());

    // Assert
    expect(result).toMatchObject({ ok: true, plaintext: SPEC.echoPlaintext, nonce: SPEC.nonce, timestamp: Number(SPEC.timestamp) });
  });

  test("when go-workwx's real POST arrives, then the event XML comes back with its sha256 as the dedupe key", () => {
    // Act
    const result = verifyCallback(goWorkwxPost());

    // Assert
    expect(result).toEqual({
      ok: true, plaintext: GO_WORKWX.message, sha256: createHash('sha256').update(GO_WORKWX.message).digest('hex'),
      timestamp: Number(GO_WORKWX.timestamp), nonce: GO_WORKWX.nonce,
    });
  });

  test('when the signature is wrong, then it is refused as signature before anything is decrypted', () => {
    // Arrange: a ciphertext under another key would fail decryption; the signature must be what refuses it
    const foreign = encrypt(GO_WORKWX.encodingAesKey, 'x', SPEC.receiveId);

    // Act
    const result = verifyCallback(handshake({ query: { msg_signature: SPEC.msgSignature, timestamp: SPEC.timestamp, nonce: SPEC.nonce, echostr: foreign } }));

    // Assert
    expect(result).toMatchObject({ ok: false, reason: 'signature' });
  });

  test('when the token is another app\'s, then it is refused as signature', () => {
    // Act
    const result = verifyCallback(goWorkwxPost({ token: SPEC.token }));

    // Assert
    expect(result).toMatchObject({ ok: false, reason: 'signature' });
  });

  test('when a correctly signed message names another corp, then it is refused as receive_id', () => {
    // Act
    const result = verifyCallback(goWorkwxPost({ receiveId: 'wwSOMEONEELSE0001' }));

    // Assert
    expect(result).toMatchObject({ ok: false, reason: 'receive_id' });
  });

  test.each([
    ['ten minutes late', 600],
    ['ten minutes early', -600],
  ])('when the signed timestamp is %s, then it is refused as stale', (_case, offsetSeconds) => {
    // Act
    const result = verifyCallback(handshake({ now: at(SPEC.timestamp) + offsetSeconds * 1000 }));

    // Assert
    expect(result).toMatchObject({ ok: false, reason: 'stale' });
  });

  test('when a signed ciphertext does not decrypt under our key, then it is refused as malformed', () => {
    // Arrange: signed with our token, encrypted with another key
    const foreign = encrypt(GO_WORKWX.encodingAesKey, 'x', SPEC.receiveId);
    const query = { msg_signature: signature(SPEC.token, SPEC.timestamp, SPEC.nonce, foreign), timestamp: SPEC.timestamp, nonce: SPEC.nonce, echostr: foreign };

    // Act
    const result = verifyCallback(handshake({ query }));

    // Assert
    expect(result).toMatchObject({ ok: false, reason: 'malformed' });
    expect(result.ok || result.detail).toMatch(/bad_padding/);
  });

  test.each([
    ['no nonce', { msg_signature: SPEC.msgSignature, timestamp: SPEC.timestamp, echostr: SPEC.echostr }],
    ['a timestamp that is not a number', { msg_signature: SPEC.msgSignature, timestamp: 'now', nonce: SPEC.nonce, echostr: SPEC.echostr }],
    ['a repeated signature parameter', { msg_signature: [SPEC.msgSignature, 'x'], timestamp: SPEC.timestamp, nonce: SPEC.nonce, echostr: SPEC.echostr }],
    ['no echostr on the URL check', { msg_signature: SPEC.msgSignature, timestamp: SPEC.timestamp, nonce: SPEC.nonce }],
  ])('when the query has %s, then it is refused as malformed', (_case, query) => {
    // Act
    const result = verifyCallback(handshake({ query }));

    // Assert
    expect(result).toMatchObject({ ok: false, reason: 'malformed' });
  });

  test('when the POST body declares a DOCTYPE, then it is refused as malformed without being parsed', () => {
    // Act
    const result = verifyCallback(goWorkwxPost({ body: `<!DOCTYPE x [<!ENTITY a "b">]>${GO_WORKWX.body}` }));

    // Assert
    expect(result).toMatchObject({ ok: false, reason: 'malformed' });
    expect(result.ok || result.detail).toMatch(/xml_doctype/);
  });
});
