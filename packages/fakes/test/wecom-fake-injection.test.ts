import { describe, expect, test } from 'vitest';
import { school, startFake } from './wecom-fake-http.ts';

const staffId = school.staff[0]!.userId;
const otherStaffId = school.staff[1]!.userId;

describe('WeCom fake: error injection', () => {
  test('when a rule has `times`, then it fires that often and the endpoint answers normally afterwards', async () => {
    // Arrange
    const running = await startFake();
    const rule = running.fake.inject({ endpoint: 'user/get', errcode: -1, times: 2 });

    // Act
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await running.get('user/get', { userid: staffId })).errcode);

    // Assert
    expect(answers).toEqual([-1, -1, 0]);
    expect(rule.fired).toBe(2);
  });

  test('when a rule names ids, then only requests about those ids fail', async () => {
    // Arrange
    const running = await startFake();
    running.fake.inject({ endpoint: 'user/get', errcode: 60111, forIds: [staffId] });

    // Act
    const targeted = await running.get('user/get', { userid: staffId });
    const other = await running.get('user/get', { userid: otherStaffId });

    // Assert
    expect(targeted.errcode).toBe(60111);
    expect(other.errcode).toBe(0);
  });

  test('when a rule has a probability, then about that share of requests fail, the same way for the same seed', async () => {
    // Arrange
    const failuresWithSeed = async (seed: number) => {
      const fake = await startFake({ seed });
      fake.fake.inject({ endpoint: 'user/get', errcode: -1, probability: 0.3 });
      const codes = [];
      for (let i = 0; i < 100; i++) codes.push((await fake.get('user/get', { userid: staffId })).errcode);
      await fake.close();
      return codes;
    };

    // Act
    const first = await failuresWithSeed(7);
    const again = await failuresWithSeed(7);

    // Assert
    const failed = first.filter((c) => c === -1).length;
    expect(failed).toBeGreaterThan(15);
    expect(failed).toBeLessThan(45);
    expect(again).toEqual(first);
  });

  test('when a rule targets "*" or gettoken, then any endpoint or the token request fails with the given text', async () => {
    // Arrange
    const running = await startFake();
    const token = await running.token();
    const everywhere = running.fake.inject({ endpoint: '*', errcode: 45009, times: 1, errmsg: 'api freq out of limit' });

    // Act
    const anyCall = await running.request('GET', 'externalcontact/get_follow_user_list', { query: { access_token: token } });
    everywhere.remove();
    running.fake.inject({ endpoint: 'gettoken', errcode: -1, times: 1 });
    const tokenCall = await running.request('GET', 'gettoken', { query: { corpid: running.fake.corpId, corpsecret: running.fake.secret } });

    // Assert
    expect(anyCall.body.errcode).toBe(45009);
    expect(anyCall.body.errmsg).toMatch(/^api freq out of limit, hint: /);
    expect(tokenCall.body.errcode).toBe(-1);
  });

  test('when injections are cleared, then every endpoint answers normally again', async () => {
    // Arrange
    const running = await startFake();
    running.fake.inject({ endpoint: 'user/get', errcode: 48002 });

    // Act
    running.fake.clearInjections();
    const body = await running.get('user/get', { userid: staffId });

    // Assert
    expect(body.errcode).toBe(0);
  });

  test('when a rule is malformed, then inject refuses it at once', async () => {
    // Arrange
    const running = await startFake();
    const { fake } = running;

    // Act / Assert
    expect(() => fake.inject({ endpoint: 'user/get', errcode: 0 })).toThrow(RangeError);
    expect(() => fake.inject({ endpoint: 'user/get', errcode: -1, probability: 2 })).toThrow(RangeError);
    expect(() => fake.inject({ endpoint: 'user/get', errcode: -1, times: 0 })).toThrow(RangeError);
  });
});

describe('WeCom fake: traffic limits and the call log', () => {
  test('when an endpoint exceeds its window, then it answers 45009 for the whole next window, then serves again', async () => {
    // Arrange
    let now = Date.now();
    const running = await startFake({ rateLimit: { calls: 3, windowMs: 60_000 }, now: () => now });

    // Act
    const inWindow = [];
    for (let i = 0; i < 4; i++) inWindow.push((await running.get('user/get', { userid: staffId })).errcode);
    now += 59_000;
    const stillBlocked = (await running.get('user/get', { userid: staffId })).errcode;
    const otherEndpoint = (await running.get('externalcontact/get_follow_user_list')).errcode;
    now += 1_000;
    const afterInterception = (await running.get('user/get', { userid: staffId })).errcode;

    // Assert
    expect(inWindow).toEqual([0, 0, 0, 45009]);
    expect(stillBlocked).toBe(45009);
    expect(otherEndpoint).toBe(0);
    expect(afterInterception).toBe(0);
  });

  test('when more calls of one endpoint are in flight than allowed, then the extra ones answer 45033 at once', async () => {
    // Arrange
    const running = await startFake({ maxConcurrentPerEndpoint: 2, latencyMs: 100 });
    const token = await running.token();

    // Act
    const answers = await Promise.all(Array.from({ length: 5 }, () =>
      running!.request('GET', 'user/get', { query: { access_token: token, userid: staffId } }).then((r) => r.body.errcode)));

    // Assert
    expect(answers.filter((c) => c === 0)).toHaveLength(2);
    expect(answers.filter((c) => c === 45033)).toHaveLength(3);
    expect(running.fake.peakInFlight('user/get')).toBe(2);
  });

  test('when calls are made, then the log holds each with endpoint, ids and errcode, counted per endpoint', async () => {
    // Arrange
    const running = await startFake();

    // Act
    await running.get('user/get', { userid: staffId });
    await running.get('user/get', { userid: 'nobody-here' });

    // Assert
    expect(running.fake.calls.byEndpoint()).toEqual({ gettoken: 2, 'user/get': 2 });
    expect(running.fake.calls.forEndpoint('user/get').map((c) => [c.ids, c.errcode])).toEqual([[[staffId], 0], [['nobody-here'], 60111]]);
    running.fake.calls.clear();
    expect(running.fake.calls.all()).toHaveLength(0);
  });
});
