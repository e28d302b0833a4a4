import { describe, expect, test } from 'vitest';
import { startFake } from './wecom-fake-http.ts';

function clock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('WeCom fake: gettoken and token lifecycle', () => {
  test('when gettoken is called twice within the validity, then the same token comes back with expires_in 7200 at first', async () => {
    // Arrange
    const running = await startFake();
    const query = { corpid: running.fake.corpId, corpsecret: running.fake.secret };

    // Act
    const first = await running.request('GET', 'gettoken', { query });
    const second = await running.request('GET', 'gettoken', { query });

    // Assert
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 });
    expect(second.body.access_token).toBe(first.body.access_token);
    expect((first.body.access_token as string).length).toBeLessThanOrEqual(512);
  });

  test('when the contact and archive secrets each get a token, then the tokens differ', async () => {
    // Arrange
    const running = await startFake();

    // Act
    const [contact, archive] = [await running.token('contact'), await running.token('archive')];

    // Assert
    expect(contact).not.toBe(archive);
  });

  test('when a token outlives its TTL, then calls answer 42001 and the next gettoken issues a new token', async () => {
    // Arrange
    const time = clock();
    const running = await startFake({ tokenTtlSeconds: 60, now: time.now });
    const token = await running.token();

    // Act
    time.advance(60_000);
    const expired = await running.request('GET', 'user/get', { query: { access_token: token, userid: 'anyone' } });
    const renewed = await running.token();

    // Assert
    expect(expired.status).toBe(200);
    expect(expired.body.errcode).toBe(42001);
    expect(renewed).not.toBe(token);
  });

  test('when tokens are revoked, then the old one answers 40014 (or the chosen 40001) and gettoken gives a fresh one', async () => {
    // Arrange
    const running = await startFake();
    const first = await running.token();

    // Act
    const revoked = running.fake.revokeTokens();
    const afterRevoke = await running.request('GET', 'externalcontact/get_follow_user_list', { query: { access_token: first } });
    const second = await running.token();
    running.fake.revokeTokens(40001);
    const afterSecondRevoke = await running.request('GET', 'externalcontact/get_follow_user_list', { query: { access_token: second } });

    // Assert
    expect(revoked).toBe(1);
    expect(afterRevoke.body.errcode).toBe(40014);
    expect(second).not.toBe(first);
    expect(afterSecondRevoke.body.errcode).toBe(40001);
  });

  test.each([
    ['a corp id of another corp', 40013, { corpid: 'ww0000000000000000', corpsecret: 'x' }],
    ['a wrong secret', 40001, { corpid: 'CORP', corpsecret: 'wrong' }],
    ['no corp id', 41002, { corpsecret: 'x' }],
    ['no secret', 41004, { corpid: 'CORP' }],
  ])('when gettoken gets %s, then it answers HTTP 200 with errcode %i', async (_case, errcode, query: Record<string, string>) => {
    // Arrange
    const running = await startFake();
    const withCorp = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v === 'CORP' ? running!.fake.corpId : v]));

    // Act
    const { status, body } = await running.request('GET', 'gettoken', { query: withCorp });

    // Assert
    expect(status).toBe(200);
    expect(body.errcode).toBe(errcode);
    expect(body.access_token).toBeUndefined();
  });

  test('when an API is called with no token or an unknown one, then it answers 41001 and 40014', async () => {
    // Arrange
    const running = await startFake();

    // Act
    const missing = await running.request('GET', 'user/get', { query: { userid: 'x' } });
    const unknown = await running.request('GET', 'user/get', { query: { access_token: 'FAKE_nonsense', userid: 'x' } });

    // Assert
    expect([missing.body.errcode, unknown.body.errcode]).toEqual([41001, 40014]);
  });

  test('when one IP keeps sending wrong secrets, then gettoken answers 45009 even for the right secret until the block ends', async () => {
    // Arrange
    const time = clock();
    const running = await startFake({ badSecretLimit: 3, badSecretBlockMs: 3_600_000, now: time.now });
    const ask = (corpsecret: string) => running!.request('GET', 'gettoken', { query: { corpid: running!.fake.corpId, corpsecret } });

    // Act
    const wrong = [await ask('bad1'), await ask('bad2'), await ask('bad3')].map((r) => r.body.errcode);
    const blocked = await ask(running.fake.secret);
    time.advance(3_600_000);
    const afterBlock = await ask(running.fake.secret);

    // Assert
    expect(wrong).toEqual([40001, 40001, 40001]);
    expect(blocked.body.errcode).toBe(45009);
    expect(afterBlock.body.errcode).toBe(0);
  });
});
