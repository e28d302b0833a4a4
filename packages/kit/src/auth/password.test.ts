import { describe, expect, test } from 'vitest';
import { hashPassword, needsRehash, verifyPassword, verifyPasswordOrDummy, warmUpDummyHash } from './password.ts';
import { scryptSync, randomBytes } from 'node:crypto';

const median = (samples: number[]): number => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

/** Times two operations alternately, so load from other processes hits both alike. */
async function interleavedMedians(rounds: number, first: () => Promise<unknown>, second: () => Promise<unknown>): Promise<[number, number]> {
  const [a, b]: [number[], number[]] = [[], []];
  for (let round = 0; round < rounds; round += 1) {
    for (const [fn, samples] of [[first, a], [second, b]] as const) {
      const started = performance.now();
      await fn();
      samples.push(performance.now() - started);
    }
  }
  return [median(a), median(b)];
}

describe('password hashing', () => {
  test('when a password is hashed, then the right password verifies, a wrong one does not, and the hash does not contain the password', async () => {
    // Arrange
    const password = '家长群-Secret-2024';

    // Act
    const encoded = await hashPassword(password);

    // Assert
    expect(encoded).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(encoded).not.toContain(password);
    expect(await verifyPassword(password, encoded)).toBe(true);
    expect(await verifyPassword(`${password} `, encoded)).toBe(false);
  });

  test('when the same password is hashed twice, then the salts and hashes differ', async () => {
    // Arrange
    const password = 'same password';

    // Act
    const [first, second] = await Promise.all([hashPassword(password), hashPassword(password)]);

    // Assert
    expect(first).not.toBe(second);
    expect(first.split('$')[4]).not.toBe(second.split('$')[4]);
  });

  test('when a stored hash was made with other parameters, then it still verifies and is flagged for rehashing', async () => {
    // Arrange: a hash as an older, cheaper configuration would have written it
    const salt = randomBytes(16);
    const key = scryptSync('old password', salt, 32, { N: 1024, r: 8, p: 1 });
    const oldHash = ['scrypt', 1024, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');

    // Act
    const verified = await verifyPassword('old password', oldHash);

    // Assert
    expect(verified).toBe(true);
    expect(needsRehash(oldHash)).toBe(true);
    expect(needsRehash(await hashPassword('new password'))).toBe(false);
  });

  test('when a stored hash is malformed or asks for absurd parameters, then verification throws instead of allocating', async () => {
    // Arrange
    const absurd = `scrypt$${2 ** 30}$8$1$${randomBytes(16).toString('base64')}$${randomBytes(32).toString('base64')}`;

    // Act / Assert
    await expect(verifyPassword('x', 'plain-text-password')).rejects.toThrow(/format/);
    await expect(verifyPassword('x', absurd)).rejects.toThrow(/parameters/);
  });

  test('when there is no stored hash (unknown user), then verification fails and takes about as long as a real one', async () => {
    // Arrange
    const encoded = await hashPassword('a real password');
    await warmUpDummyHash();

    // Act
    const [known, unknown] = await interleavedMedians(
      7,
      () => verifyPasswordOrDummy('a guess', encoded),
      () => verifyPasswordOrDummy('a guess', null),
    );

    // Assert
    expect(await verifyPasswordOrDummy('a guess', null)).toBe(false);
    // the same KDF work either way; the bounds only absorb scheduling noise on a busy box
    expect(unknown / known).toBeGreaterThan(0.5);
    expect(unknown / known).toBeLessThan(2);
    // the KDF must stay slow: guard against someone lowering the cost by accident
    expect(known).toBeGreaterThan(20);
  });
});
