import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@doitcrm/kit';
import { loadRosterConfig } from '../src/config.ts';
import { createNationalIdCipher } from '../src/domain/national-id.ts';

const key = randomBytes(32).toString('base64');
const number = '11010120150101001X';

describe('ID-number encryption', () => {
  it('when one number is sealed twice, then the ciphertexts differ (a fresh nonce each time) and the lookup hashes agree', () => {
    const cipher = createNationalIdCipher(key);
    const [a, b] = [cipher.seal(number), cipher.seal(number.toLowerCase())];
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.hash).toBe(b.hash);
    expect(a.masked).toBe('110*************1X');
    expect(Buffer.from(a.ciphertext, 'base64').toString('latin1')).not.toContain(number.slice(3, -2));
    expect(cipher.open(b)).toBe(number);
    // nonces are drawn in batches: none repeats across a refill
    const nonces = new Set(Array.from({ length: 2500 }, () => Buffer.from(cipher.seal(number).ciphertext, 'base64').subarray(0, 12).toString('hex')));
    expect(nonces.size).toBe(2500);
  });

  it('when a ciphertext is altered or opened with another key, then opening fails instead of returning a wrong number', () => {
    const sealed = createNationalIdCipher(key).seal(number);
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[14] = bytes[14]! ^ 1;
    expect(() => createNationalIdCipher(key).open({ ...sealed, ciphertext: bytes.toString('base64') })).toThrow();
    const other = createNationalIdCipher(randomBytes(32).toString('base64'));
    expect(() => other.open(sealed)).toThrow(/ROSTER_ID_NUMBER_KEY/);
    expect(other.hash(number)).not.toBe(sealed.hash);
  });

  it('when ROSTER_ID_NUMBER_KEY is not 32 bytes of base64, then the roster config names it without echoing it', () => {
    for (const bad of ['short', randomBytes(16).toString('base64'), `${key}x`]) {
      let error: unknown;
      try {
        loadRosterConfig({ ROSTER_ID_NUMBER_KEY: bad });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join('\n')).toMatch(/ROSTER_ID_NUMBER_KEY: must be 32 random bytes/);
      expect((error as ConfigError).message).not.toContain(bad);
    }
    expect(loadRosterConfig({ ROSTER_ID_NUMBER_KEY: key }).ROSTER_ID_NUMBER_KEY).toBe(key);
  });
});
