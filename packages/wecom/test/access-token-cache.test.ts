import { describe, expect, test } from 'vitest';
import { AccessTokenCache, usableLifetimeSeconds, type IssuedToken } from '../src/access-token-cache.ts';

function issuer(expiresInSeconds = 7200) {
  const issued: string[] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> = Promise.resolve();
  return {
    issued,
    /** makes the next issue wait until `open()` */
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    open: () => release?.(),
    issue: async (corpId: string, secret: string): Promise<IssuedToken> => {
      await gate;
      const token = `${corpId}/${secret}/${issued.length + 1}`;
      issued.push(token);
      return { accessToken: token, expiresInSeconds };
    },
  };
}

describe('AccessTokenCache', () => {
  test('when twenty callers ask at once with nothing cached, then one gettoken serves them all', async () => {
    // Arrange
    const source = issuer();
    source.hold();
    const cache = new AccessTokenCache(source.issue, 300);

    // Act
    const pending = Array.from({ length: 20 }, () => cache.get('ww1', 's1'));
    source.open();
    const tokens = await Promise.all(pending);

    // Assert
    expect(source.issued).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set(['ww1/s1/1']));
  });

  test('when two secrets of one corp are used, then each has its own token', async () => {
    // Arrange
    const source = issuer();
    const cache = new AccessTokenCache(source.issue, 300);

    // Act
    const [contact, archive] = [await cache.get('ww1', 'contact'), await cache.get('ww1', 'archive')];

    // Assert
    expect(contact).not.toBe(archive);
    expect(cache.size).toBe(2);
  });

  test('when the refresh margin is reached, then the next caller gets a new token before the old one expires', async () => {
    // Arrange
    let now = 0;
    const source = issuer(7200);
    const cache = new AccessTokenCache(source.issue, 300, () => now);
    const first = await cache.get('ww1', 's');

    // Act
    now = (7200 - 301) * 1000;
    const stillFirst = await cache.get('ww1', 's');
    now = (7200 - 300) * 1000;
    const second = await cache.get('ww1', 's');

    // Assert
    expect(stillFirst).toBe(first);
    expect(second).not.toBe(first);
  });

  test('when a rejected token was already replaced, then invalidating it keeps the newer token', async () => {
    // Arrange
    const source = issuer();
    const cache = new AccessTokenCache(source.issue, 300);
    const old = await cache.get('ww1', 's');
    cache.invalidate('ww1', 's', old);
    const fresh = await cache.get('ww1', 's');

    // Act: a slow caller reports the old token as rejected
    cache.invalidate('ww1', 's', old);
    const after = await cache.get('ww1', 's');

    // Assert
    expect(after).toBe(fresh);
    expect(source.issued).toHaveLength(2);
  });

  test('when gettoken fails, then every waiting caller sees the failure and the next call tries again', async () => {
    // Arrange
    let calls = 0;
    const cache = new AccessTokenCache(async () => {
      calls += 1;
      if (calls === 1) throw new Error('wrong secret');
      return { accessToken: 't2', expiresInSeconds: 7200 };
    }, 300);

    // Act
    const results = await Promise.allSettled([cache.get('ww1', 's'), cache.get('ww1', 's')]);
    const retried = await cache.get('ww1', 's');

    // Assert
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(retried).toBe('t2');
    expect(calls).toBe(2);
  });

  test('when a token lives shorter than twice the margin, then it is used for half its life rather than refetched per call', () => {
    // Act / Assert
    expect(usableLifetimeSeconds(7200, 300)).toBe(6900);
    expect(usableLifetimeSeconds(4, 300)).toBe(2);
  });
});
