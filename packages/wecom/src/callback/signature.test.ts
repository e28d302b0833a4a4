import { describe, expect, test } from 'vitest';
import { GO_WORKWX, SPEC } from './callback-vectors.ts';
import { signature, verifySignature } from './signature.ts';

describe('callback signature', () => {
  test('when the spec and go-workwx vectors are signed, then the signatures are the ones WeCom sent', () => {
    // Act
    const spec = signature(SPEC.token, SPEC.timestamp, SPEC.nonce, SPEC.echostr);
    const goWorkwx = signature(GO_WORKWX.token, GO_WORKWX.timestamp, GO_WORKWX.nonce, GO_WORKWX.encrypt);

    // Assert
    expect(spec).toBe(SPEC.msgSignature);
    expect(goWorkwx).toBe(GO_WORKWX.msgSignature);
  });

  test('when the right signature is verified, then it matches; one changed character or part, then it does not', () => {
    // Arrange
    const parts = { token: SPEC.token, timestamp: SPEC.timestamp, nonce: SPEC.nonce, encrypt: SPEC.echostr };
    const flipped = `${SPEC.msgSignature.slice(0, -1)}${SPEC.msgSignature.endsWith('f') ? '0' : 'f'}`;

    // Act + Assert
    expect(verifySignature(SPEC.msgSignature, parts)).toBe(true);
    expect(verifySignature(flipped, parts)).toBe(false);
    expect(verifySignature(SPEC.msgSignature, { ...parts, nonce: '987654322' })).toBe(false);
    expect(verifySignature(SPEC.msgSignature.toUpperCase(), parts)).toBe(false);
  });

  test.each([
    ['a shorter signature', SPEC.msgSignature.slice(2)],
    ['a longer signature', `${SPEC.msgSignature}00`],
    ['an empty signature', ''],
    ['a multi-byte signature of 40 characters', '签'.repeat(40)],
    ['no signature at all', undefined],
    ['a repeated query parameter (an array)', [SPEC.msgSignature, SPEC.msgSignature]],
  ])('when %s is verified, then it is a mismatch, not a throw', (_case, given) => {
    // Act
    const run = () => verifySignature(given, { token: SPEC.token, timestamp: SPEC.timestamp, nonce: SPEC.nonce, encrypt: SPEC.echostr });

    // Assert
    expect(run).not.toThrow();
    expect(run()).toBe(false);
  });
});
