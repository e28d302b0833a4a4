import { describe, expect, test } from 'vitest';
import { startFake } from './wecom-fake-http.ts';

/** the method and token checks come before the room is looked up */
const ANY_ROOM = 'wrNOTAROOM';

describe('WeCom fake: transport conventions', () => {
  test('when a business error happens, then the answer is HTTP 200 with errcode and an errmsg carrying hint, caller IP and doc link', async () => {
    // Arrange
    const running = await startFake();
    const token = await running.token();

    // Act
    const { status, body } = await running.request('GET', 'user/get', { query: { access_token: token, userid: 'nobody' } });

    // Assert
    expect(status).toBe(200);
    expect(body.errcode).toBe(60111);
    expect(body.errmsg).toMatch(/^userid not found, hint: \[\d+_\d+_[0-9a-f]+\], from ip: \S+, more info at https:\/\/open\.work\.weixin\.qq\.com\/devtool\/query\?e=60111$/);
  });

  test('when a success is answered, then it carries errcode 0 and errmsg "ok" next to the data', async () => {
    // Arrange
    const running = await startFake();

    // Act
    const body = await running.get('externalcontact/get_follow_user_list');

    // Assert
    expect(body).toMatchObject({ errcode: 0, errmsg: 'ok' });
    expect(Array.isArray(body.follow_user)).toBe(true);
  });

  test('when a POST API is called with GET, then it answers 40058 as WeCom does', async () => {
    // Arrange
    const running = await startFake();

    // Act
    const body = await running.get('externalcontact/groupchat/get', { chat_id: ANY_ROOM });

    // Assert
    expect(body.errcode).toBe(40058);
  });

  test('when the body is not JSON, then it answers HTTP 200 with 40058, not an HTTP 400', async () => {
    // Arrange
    const running = await startFake();
    const token = await running.token();

    // Act
    const { status, body } = await running.request('POST', 'externalcontact/groupchat/get', { query: { access_token: token }, rawBody: '{"chat_id": ' });

    // Assert
    expect(status).toBe(200);
    expect(body.errcode).toBe(40058);
  });

  test('when the token travels in the body instead of the query string, then it is "missing" (41001)', async () => {
    // Arrange
    const running = await startFake();
    const token = await running.token();

    // Act
    const { body } = await running.request('POST', 'externalcontact/groupchat/get', { body: { access_token: token, chat_id: ANY_ROOM } });

    // Assert
    expect(body.errcode).toBe(41001);
  });

  test('when an API the fake does not implement is called, then it answers HTTP 404 and logs the call', async () => {
    // Arrange
    const running = await startFake();

    // Act
    const { status } = await running.request('GET', 'nonexistent/api');

    // Assert
    expect(status).toBe(404);
    expect(running.fake.calls.count('nonexistent/api')).toBe(1);
  });

  test('when the IP is not trusted, then API calls answer 60020 but gettoken still works', async () => {
    // Arrange
    const running = await startFake();
    running.fake.setIpTrusted(false);

    // Act
    const token = await running.token();
    const body = await running.get('externalcontact/get_follow_user_list');

    // Assert
    expect(token).toMatch(/^FAKE_/);
    expect(body.errcode).toBe(60020);
  });

  test('when a secret calls an API outside its app\'s permissions, then it answers 48002', async () => {
    // Arrange
    const running = await startFake();
    const archiveToken = await running.token('archive');
    const contactToken = await running.token('contact');

    // Act
    const archiveAsksUsers = await running.request('GET', 'user/get', { query: { access_token: archiveToken, userid: 'x' } });
    const contactAsksArchive = await running.request('POST', 'msgaudit/groupchat/get', { query: { access_token: contactToken }, body: { roomid: '1' } });
    running.fake.setPermissions('contact', 'all');
    const afterGrant = await running.request('POST', 'msgaudit/get_permit_user_list', { query: { access_token: contactToken }, body: {} });

    // Assert
    expect(archiveAsksUsers.body.errcode).toBe(48002);
    expect(contactAsksArchive.body.errcode).toBe(48002);
    expect(afterGrant.body.errcode).toBe(0);
  });
});
